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
