import CaseworkCore
import Foundation
import Testing

/// The copy for the child and family (issue 15, item 16; 004 "Access to personal information").
@Suite("A copy for the family")
struct FamilyCopyTests {
    static let today = Day("2026-11-23")!

    /// Every id, code and user name the case file holds, none of which the family's copy may show.
    static func forbidden(_ c: Case) -> [String] {
        var out = c.records.map(\.id).filter { $0 != c.id } + [c.id]
        out += Rules.ids
        out += [c.worker] + c.notes.map(\.by) + c.decisions.map(\.decidedBy) + c.disclosures.compactMap(\.by)
        out += ["public-task", "not-sought", "childs-words", "unencrypted-email", "with-consent", "risk-to-child", "share-limited", "do-not-share"]
        return Array(Set(out)).filter { !$0.isEmpty }
    }

    static func mentions(_ text: String, _ word: String) -> Bool {
        text.range(of: "(?<![[:alnum:]-])" + NSRegularExpression.escapedPattern(for: word) + "(?![[:alnum:]-])", options: .regularExpression) != nil
    }

    @Test("in plain words: no record id, rule id, user name or code; the child's own words and the decisions as they stand", arguments: ["gaps", "recorded-well"])
    func plainWords(example: String) throws {
        let c = Fixtures.example(example)
        let md = FamilyCopy.markdown(c, today: Self.today)
        for word in Self.forbidden(c) { #expect(!Self.mentions(md, word), "\(example): \(word) in the copy") }
        #expect(md.hasPrefix("# What we hold about \(c.child.name)"))
        #expect(md.contains("Made on 23 November 2026"))
        #expect(!md.contains("T0") && !md.contains("Z\n"), "no ISO 8601 times")
    }

    @Test("other people's names and what others told the service are left out by default, each gap saying why; a passage released is included")
    func withheld() throws {
        var c = Fixtures.example("gaps")
        var x = Disclosure(id: "X3", direction: .incoming, when: Timestamp("2026-03-02T15:30:00Z")!)
        x.from = Party(name: "Ms Okafor", role: "Head of year", agency: "Northfield School")
        x.items = [SharedItem(text: "Mother said the flat is overcrowded", kind: .fact)]
        c.disclosures.append(x)
        let passages = FamilyCopy.passages(c)
        #expect(passages.map(\.id).contains("name:P1"), "the father, whose parental responsibility is not recorded")
        #expect(passages.contains { $0.id == "received:X3" && $0.reason == .fromOthers })
        #expect(passages.contains { $0.reason == .workerName && $0.text == "Ms Okafor" })
        let md = FamilyCopy.markdown(c, today: Self.today)
        for p in passages { #expect(!md.contains(p.text), "\(p.id) left out") }
        #expect(md.contains("We were given information by \\[name left out\\], Head of year, at Northfield School"))
        #expect(!md.contains("Luis") && md.contains("Name left out: father"))
        #expect(md.contains("\\[left out: what another organisation told us; they are asked first\\]"))
        let released = FamilyCopy.markdown(c, withholding: Set(passages.map(\.id)).subtracting(["name:P1"]), today: Self.today)
        #expect(released.contains("Luis Moreno: father") && !released.contains("Ms Okafor"))
    }

    @Test("a name left out is left out of every record's words too, as whole words only")
    func namesInText() throws {
        var c = Fixtures.example("gaps")
        c.people.append(Person(id: "P9", name: "Al", relationship: "uncle", parentalResponsibility: .no, livesWithChild: false, lacksCapacity: nil))
        c.notes.append(CaseNote(id: "N9", at: Timestamp("2026-03-05T10:00:00Z")!, by: c.worker, kind: .phone,
                                text: "Al rang; also said AL would call back", episodeId: "E2", opinion: false))
        let md = FamilyCopy.markdown(c, today: Self.today)
        #expect(md.contains("\\[an uncle; name left out\\] rang; also said \\[an uncle; name left out\\] would call back"))
    }

    @Test("given in confidence: a decision's purpose and what went out are left out, saying so")
    func confidence() throws {
        var c = Fixtures.example("gaps")
        c.decisions = c.decisions.map { var d = $0; d.confidential = true; return d }
        let passages = FamilyCopy.passages(c)
        #expect(passages.contains { $0.reason == .confidence })
        let md = FamilyCopy.markdown(c, today: Self.today)
        #expect(md.contains("\\[left out: information given in confidence\\]"))
        #expect(!md.contains("Ask CAMHS for advice"))
    }

    @Test("the HTML page holds the same, escaped, with nothing fetched")
    func html() throws {
        var c = Fixtures.example("gaps")
        c.notes.append(CaseNote(id: "N9", at: Timestamp("2026-03-05T10:00:00Z")!, by: c.worker, kind: .childsWords,
                                text: "<script>alert(1)</script> I said \u{1b}[31mno", episodeId: "E2", opinion: false))
        let page = FamilyCopy.html(c, today: Self.today)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<h1>What we hold about Alex Moreno</h1>"))
        #expect(!page.contains("<script") && page.contains("&lt;script&gt;"))
        #expect(!page.contains("\u{1b}"))
        #expect(!page.contains("src=") && !page.contains("href=") && !page.contains("@import"))
        for word in Self.forbidden(c) { #expect(!Self.mentions(page, word), "\(word) in the page") }
    }
}
