import Foundation

/// Times as people say and type them, in the organisation's time zone (the policy's
/// `timeZone`, Europe/London unless it names another): "10:05", "yesterday 16:30",
/// "14/3 9:00". Records keep the instant, written with the local offset.
public struct LocalTime: Hashable, Sendable {
    public let zone: TimeZone

    public static let defaultZone = "Europe/London"
    public static let london = LocalTime(zone: TimeZone(identifier: defaultZone)!)

    public init(zone: TimeZone) { self.zone = zone }

    /// The zone named, or nil for a name the system does not know.
    public init?(identifier: String) {
        guard let z = TimeZone(identifier: identifier) else { return nil }
        zone = z
    }

    /// The wall-clock day, hour and minute of an instant here.
    public func wall(_ t: Timestamp) -> (day: Day, hour: Int, minute: Int) {
        let local = Int((t.instant + Double(zone.secondsFromGMT(for: t.date))).rounded(.down))
        let day = Day(ordinal: Int((Double(local) / 86400).rounded(.down)))
        let secs = local - day.ordinal * 86400
        return (day, secs / 3600, secs / 60 % 60)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// As said on screen, beside `now`: "10:05" today, "yesterday 16:30", "Sat 14 Mar 09:00"
    /// this year, "14 Mar 2025 09:00" before; never ISO 8601.
    /// `briefBeforeThisYear` leaves the clock off an earlier year's date ("14 Mar 2025"), for narrow columns.
    public func spoken(_ t: Timestamp, now: Timestamp, briefBeforeThisYear: Bool = false) -> String {
        let w = wall(t), today = wall(now).day
        let clock = Day.padded(w.hour, 2) + ":" + Day.padded(w.minute, 2)
        if w.day == today { return clock }
        if w.day.ordinal == today.ordinal - 1 { return "yesterday \(clock)" }
        let date = "\(w.day.day) \(Self.months[w.day.month - 1])"
        if w.day.year == today.year { return "\(Self.weekdays[((w.day.ordinal % 7) + 7) % 7]) \(date) \(clock)" }
        return briefBeforeThisYear ? "\(date) \(w.day.year)" : "\(date) \(w.day.year) \(clock)"
    }

    /// "2026-03-14 09:00" in local time: for lists, exports and the command line.
    public func absolute(_ t: Timestamp) -> String {
        let w = wall(t)
        return w.day.description + " " + Day.padded(w.hour, 2) + ":" + Day.padded(w.minute, 2)
    }

    /// "14/3/2026 09:00": what a form's time field holds, the same whichever day it is read again.
    public func field(_ t: Timestamp) -> String {
        let w = wall(t)
        return "\(w.day.day)/\(w.day.month)/\(w.day.year) " + Day.padded(w.hour, 2) + ":" + Day.padded(w.minute, 2)
    }

    /// The instant of a wall-clock time here, written with the offset in force then.
    public func at(_ day: Day, hour: Int, minute: Int) -> Timestamp {
        let naive = Double(day.ordinal) * 86400 + Double(hour * 3600 + minute * 60)
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: naive))
        offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: naive - Double(offset)))
        let sign = offset < 0 ? "-" : "+", a = abs(offset)
        let zoneText = offset == 0 ? "Z" : String(format: "%@%02d:%02d", sign, a / 3600, a / 60 % 60)
        return Timestamp(String(format: "%@T%02d:%02d:00", day.description, hour, minute) + zoneText)!
    }

    /// What someone typed, as a time: "now"; "10:05" or "9.30" (today); "today 10:05"; "yesterday 16:30";
    /// "14/3 9:00" (this year, or last year if that would be more than a day ahead); "14/3/2026 9:00";
    /// "2026-03-14 09:00" (local); or ISO 8601 with an offset. Nil when it is none of these.
    public func parse(_ text: String, now: Timestamp) -> Timestamp? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "now" { return now }
        let parts = t.split(separator: " ").map(String.init)
        let today = wall(now).day
        if parts.count == 1, let (hour, minute) = Self.clock(parts[0]) { return at(today, hour: hour, minute: minute) }
        if parts.count == 2, let (hour, minute) = Self.clock(parts[1]) {
            switch parts[0] {
            case "today": return at(today, hour: hour, minute: minute)
            case "yesterday": return at(today.adding(days: -1), hour: hour, minute: minute)
            default: break
            }
        }
        return named(text, now: now)
    }

    /// A time that names its day: ISO 8601, "14/3/2026 9:00" or "2026-03-14 09:00"; nil for anything relative to now.
    public func parseWhole(_ text: String) -> Timestamp? { named(text, now: nil) }

    /// ISO 8601, or a day and a clock: "2026-03-14 09:00", "14/3/2026 9:00", and with `now`, "14/3 9:00"
    /// (this year, or last year if that would be more than a day ahead of `now`).
    func named(_ text: String, now: Timestamp?) -> Timestamp? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let iso = Timestamp(trimmed) { return iso }
        let parts = trimmed.split(separator: " ").map(String.init)
        guard parts.count == 2, let (hour, minute) = Self.clock(parts[1]) else { return nil }
        if let d = Day(parts[0]) { return at(d, hour: hour, minute: minute) }
        let dmy = parts[0].split(separator: "/").map { Int($0) }
        guard dmy.count == 3 || (dmy.count == 2 && now != nil), let day = dmy[0], let month = dmy[1] else { return nil }
        if dmy.count == 3 {
            guard let y = dmy[2], let d = Day(year: y < 100 ? y + 2000 : y, month: month, day: day) else { return nil }
            return at(d, hour: hour, minute: minute)
        }
        guard let now else { return nil }
        let year = wall(now).day.year
        guard let d = Day(year: year, month: month, day: day) else { return nil }
        let this = at(d, hour: hour, minute: minute)
        guard this.instant > now.instant + 86400, let last = Day(year: year - 1, month: month, day: day) else { return this }
        return at(last, hour: hour, minute: minute)
    }

    /// "9:00", "09:00", "9.30", "0930" as hour and minute.
    static func clock(_ s: String) -> (Int, Int)? {
        let pieces = s.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        var h: Int?, m: Int?
        if pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2 {
            h = Int(pieces[0]); m = Int(pieces[1])
        } else if pieces.count == 1, s.count == 4, s.allSatisfy(\.isNumber) {
            h = Int(s.prefix(2)); m = Int(s.suffix(2))
        }
        guard let h, let m, (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return (h, m)
    }
}
