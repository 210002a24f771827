import Foundation
import TerminalKit

/// A calendar date with no time or zone (`YYYY-MM-DD`): dates of birth, case
/// opening, review-by dates. Ages and validity are computed on these.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` naming a real calendar day.
    public init?(_ text: String) {
        var text = text
        guard let day = text.withUTF8({ Day.parse($0) }) else { return nil }
        self = day
    }

    /// `YYYY-MM-DD` from exactly these bytes, read in place.
    static func parse(_ u: UnsafeBufferPointer<UInt8>) -> Day? {
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = digits(u, 0, 4), let m = digits(u, 5, 7), let d = digits(u, 8, 10)
        else { return nil }
        return Day(year: y, month: m, day: d)
    }

    /// The decimal number in `u[from..<to]`, if every byte there is a digit.
    static func digits(_ u: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        var n = 0
        for i in from..<to {
            let c = u[i]
            guard c >= 48, c <= 57 else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for arithmetic.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The UK calendar date of an instant: GMT, or BST (UTC+1) from 01:00 UTC on the
    /// last Sunday of March to 01:00 UTC on the last Sunday of October (the rule since 1996).
    public static func inLondon(_ instant: Double) -> Day {
        let utc = Day(ordinal: Int((instant / 86400).rounded(.down)))
        func lastSunday(_ month: Int) -> Double {
            let last = Day(year: utc.year, month: month, day: 31)!.ordinal
            let weekday = ((last + 4) % 7 + 7) % 7  // 0 is Sunday; 1970-01-01 was a Thursday
            return Double(last - weekday) * 86400 + 3600
        }
        let summer = instant >= lastSunday(3) && instant < lastSunday(10)
        return summer ? Day(ordinal: Int(((instant + 3600) / 86400).rounded(.down))) : utc
    }

    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> Day {
        Day(year: year + years, month: month, day: day) ?? Day(year: year + years, month: month, day: day - 1)!
    }

    /// Whole years from `self` (a birth date) to `other`; a birthday counts on its day.
    /// Someone born on 29 February turns a year older on 1 March in common years.
    public func years(until other: Day) -> Int {
        var age = other.year - year
        if (other.month, other.day) < (month, day) { age -= 1 }
        return age
    }

    /// The calendar day of `date` in UTC.
    public init(_ date: Date) {
        self.init(ordinal: Int((date.timeIntervalSince1970 / 86400).rounded(.down)))
    }

    /// Midnight UTC at the start of this day.
    public var startDate: Date { Date(timeIntervalSince1970: Double(ordinal) * 86400) }

    public var description: String {
        guard (0...9999).contains(year) else {
            return (year < 0 ? "-" + Self.padded(-year, 4) : Self.padded(year, 4)) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
        }
        // Ten bytes written in place: a list of 100,000 cases formats 100,000 dates.
        return String(unsafeUninitializedCapacity: 10) { b in
            func put(_ n: Int, _ at: Int, _ width: Int) {
                var n = n
                for i in stride(from: at + width - 1, through: at, by: -1) { b[i] = UInt8(48 + n % 10); n /= 10 }
            }
            put(year, 0, 4); b[4] = UInt8(ascii: "-"); put(month, 5, 2); b[7] = UInt8(ascii: "-"); put(day, 8, 2)
            return 10
        }
    }

    /// `n` with leading zeros to `width` digits. By hand: `String(format:)` goes through the locale,
    /// and was a fifth of listing 100,000 cases.
    public static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = Day(text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "not a date \(Quoted(text)) (expected YYYY-MM-DD)")
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A moment as the record gave it: ISO 8601 with an offset
/// (`2026-03-02T10:15:00Z`, `2026-03-02T11:15:00+01:00`). The text is kept as
/// written so an export gives back what was imported; comparisons use the instant.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    /// Seconds since 1970-01-01T00:00:00Z.
    public let instant: Double
    /// The calendar day in UK local time (Europe/London), whatever offset the
    /// record was written with: the day that matters for ages, birthdays and
    /// "by the end of the day" (flags.md "Dates").
    public let localDay: Day

    public init?(_ text: String) {
        var text = text
        guard let instant = text.withUTF8({ Timestamp.instant($0) }) else { return nil }
        self.text = text
        self.instant = instant
        self.localDay = Day.inLondon(instant)
    }

    /// The instant `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)` names, read in place.
    static func instant(_ u: UnsafeBufferPointer<UInt8>) -> Double? {
        guard u.count >= 17, let day = Day.parse(UnsafeBufferPointer(rebasing: u[0..<10])),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"),
              let hh = Day.digits(u, 11, 13), u[13] == UInt8(ascii: ":"), let mm = Day.digits(u, 14, 16),
              hh < 24, mm < 60
        else { return nil }
        var i = 16
        var seconds = 0.0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            guard i + 3 <= u.count, let ss = Day.digits(u, i + 1, i + 3), ss < 60 else { return nil }
            seconds = Double(ss)
            i += 3
            if i < u.count, u[i] == UInt8(ascii: ".") {
                var j = i + 1
                var frac = 0.0, scale = 0.1
                while j < u.count, u[j] >= 48, u[j] <= 57, j - i <= 9 {
                    frac += Double(u[j] - 48) * scale
                    scale /= 10
                    j += 1
                }
                guard j > i + 1 else { return nil }
                seconds += frac
                i = j
            }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            guard i + 1 == u.count else { return nil }
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard i + 6 == u.count, let oh = Day.digits(u, i + 1, i + 3), u[i + 3] == UInt8(ascii: ":"),
                  let om = Day.digits(u, i + 4, i + 6), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        return Double(day.ordinal) * 86400 + Double(hh * 3600 + mm * 60) + seconds - Double(offset)
    }

    /// A UTC timestamp for `date`, to the second.
    public init(_ date: Date) {
        let t = date.timeIntervalSince1970.rounded(.down)
        let day = Day(ordinal: Int((t / 86400).rounded(.down)))
        let secs = Int(t) - day.ordinal * 86400
        let text = String(format: "%@T%02d:%02d:%02dZ", day.description, secs / 3600, secs / 60 % 60, secs % 60)
        self.init(text)!
    }

    public var date: Date { Date(timeIntervalSince1970: instant) }
    public var description: String { text }

    public static func == (a: Timestamp, b: Timestamp) -> Bool { a.text == b.text }
    public func hash(into h: inout Hasher) { h.combine(text) }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.instant < b.instant }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let t = Timestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "not a time \(Quoted(text)) (expected ISO 8601 with an offset, e.g. 2026-03-02T10:15:00Z)")
        }
        self = t
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
