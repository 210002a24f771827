import Testing
@testable import CaseworkCore

@Suite("Dates and ages")
struct DayTests {
    @Test("age turns on the birthday itself, not the day before")
    func birthday() {
        let dob = Day("2010-09-14")!
        #expect(dob.years(until: Day("2026-09-13")!) == 15)
        #expect(dob.years(until: Day("2026-09-14")!) == 16)
    }

    @Test("a leap-day birthday counts from 1 March in common years")
    func leapDay() {
        let dob = Day("2008-02-29")!
        #expect(dob.years(until: Day("2024-02-28")!) == 15)
        #expect(dob.years(until: Day("2024-02-29")!) == 16)
        #expect(dob.years(until: Day("2025-02-28")!) == 16)
        #expect(Day("2023-02-29") == nil)
    }

    @Test("ordinals round-trip across centuries")
    func ordinals() {
        for text in ["1970-01-01", "2000-02-29", "1899-12-31", "2026-03-10"] {
            let d = Day(text)!
            #expect(Day(ordinal: d.ordinal) == d)
        }
        #expect(Day("1970-01-02")!.ordinal == 1)
    }

    @Test("a timestamp's day is the UK calendar date of its instant, whatever offset it was written with")
    func ukDay() {
        #expect(Timestamp("2026-03-02T00:30:00+01:00")!.localDay == Day("2026-03-01"), "23:30 GMT on 1 March")
        #expect(Timestamp("2026-07-01T23:30:00Z")!.localDay == Day("2026-07-02"), "00:30 BST")
        // 2026: BST from 01:00 UTC on Sunday 29 March to 01:00 UTC on Sunday 25 October.
        #expect(Timestamp("2026-03-29T00:59:59Z")!.localDay == Day("2026-03-29"))
        #expect(Timestamp("2026-03-28T23:30:00Z")!.localDay == Day("2026-03-28"), "still GMT the night before the change")
        #expect(Timestamp("2026-10-24T23:30:00Z")!.localDay == Day("2026-10-25"), "still BST the night before it ends")
        #expect(Timestamp("2026-10-25T23:30:00Z")!.localDay == Day("2026-10-25"), "GMT again")
        #expect(Timestamp("2027-03-27T23:30:00Z")!.localDay == Day("2027-03-27"), "2027 changes on 28 March")
    }

    @Test("timestamps keep their text; the instant honours the offset")
    func timestamps() {
        let t = Timestamp("2026-03-02T00:30:00+01:00")!
        #expect(t.text == "2026-03-02T00:30:00+01:00")
        #expect(t.instant == Timestamp("2026-03-01T23:30:00Z")!.instant)
        #expect(Timestamp("2026-03-02T10:15:00.250Z") != nil)
        #expect(Timestamp("2026-03-02T10:15:00") == nil)
        #expect(Timestamp("2026-03-02") == nil)
        #expect(Timestamp("2026-13-02T10:15:00Z") == nil)
    }
}

/// Times as people say and type them (issue 15, item 2), in Europe/London unless the policy names another zone.
@Suite("Local times")
struct LocalTimeTests {
    static let winter = Timestamp("2026-11-22T11:00:00Z")!   // a Sunday, GMT
    static let summer = Timestamp("2026-07-14T11:00:00Z")!   // a Tuesday, BST (12:00 in London)
    let london = LocalTime.london

    @Test("shown as people say them: the clock today, yesterday, the weekday this year, the year before; never ISO 8601")
    func spoken() {
        #expect(london.spoken(Timestamp("2026-11-22T10:05:00Z")!, now: Self.winter) == "10:05")
        #expect(london.spoken(Timestamp("2026-11-21T16:30:00Z")!, now: Self.winter) == "yesterday 16:30")
        #expect(london.spoken(Timestamp("2026-03-14T09:00:00Z")!, now: Self.winter) == "Sat 14 Mar 09:00")
        #expect(london.spoken(Timestamp("2025-03-14T09:00:00Z")!, now: Self.winter) == "14 Mar 2025 09:00")
        #expect(london.spoken(Timestamp("2026-07-14T09:05:00Z")!, now: Self.summer) == "10:05", "British Summer Time")
        // Just after midnight in London in summer is still the previous day in UTC.
        #expect(london.spoken(Timestamp("2026-07-13T23:30:00Z")!, now: Self.summer) == "00:30")
        #expect(london.spoken(Timestamp("2026-07-14T10:05:00+01:00")!, now: Self.summer) == "10:05", "whatever offset it was written with")
    }

    @Test("typed as people say them: 10:05, yesterday 16:30, 14/3 9:00, 14/3/2026 9:00, now; written with the local offset",
          arguments: [
              ("10:05", "2026-07-14T10:05:00+01:00"), ("9.30", "2026-07-14T09:30:00+01:00"), ("today 0930", "2026-07-14T09:30:00+01:00"),
              ("yesterday 16:30", "2026-07-13T16:30:00+01:00"), ("Yesterday 16:30", "2026-07-13T16:30:00+01:00"),
              ("14/3 9:00", "2026-03-14T09:00:00Z"), ("14/3/2026 9:00", "2026-03-14T09:00:00Z"), ("1/7/26 08:15", "2026-07-01T08:15:00+01:00"),
              ("2026-03-14 09:00", "2026-03-14T09:00:00Z"), ("2026-03-14T09:00:00+02:00", "2026-03-14T09:00:00+02:00"),
              ("now", "2026-07-14T11:00:00Z"),
          ])
    func parsed(text: String, expected: String) {
        #expect(london.parse(text, now: Self.summer)?.text == expected)
    }

    @Test("a day and month that would be ahead is last year's; nonsense is refused, not guessed")
    func refusedOrLastYear() {
        #expect(london.parse("30/12 10:00", now: Timestamp("2026-01-02T09:00:00Z")!)?.text == "2025-12-30T10:00:00Z")
        for bad in ["", "25:00", "10:60", "31/2 9:00", "tomorrow 9:00", "9", "14/3", "2026-13-01 09:00", "ten past nine"] {
            #expect(london.parse(bad, now: Self.summer) == nil, "\(bad)")
        }
    }

    @Test("a form's time field holds a whole date, read back to the same minute whichever day it is read")
    func field() {
        let t = Timestamp("2026-07-13T15:30:00Z")!
        #expect(london.field(t) == "13/7/2026 16:30")
        #expect(london.parse(london.field(t), now: Timestamp("2027-01-01T00:00:00Z")!)?.instant == t.instant)
        #expect(london.parseWhole("yesterday 16:30") == nil)
    }

    @Test("another zone, named by the policy, shows and reads its own wall clock")
    func otherZone() throws {
        let ny = try #require(LocalTime(identifier: "America/New_York"))
        #expect(ny.spoken(Self.winter, now: Self.winter) == "06:00")
        #expect(ny.parse("06:00", now: Self.winter)?.instant == Self.winter.instant)
        #expect(LocalTime(identifier: "Mars/Olympus") == nil)
    }
}
