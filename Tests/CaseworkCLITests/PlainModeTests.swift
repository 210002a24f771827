import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

/// `casework --plain`: the workbook as numbered menus and one question at a
/// time, driven here by piping answers into the real binary.
@Suite("The plain workbook (--plain, TERM=dumb) from piped answers", .serialized)
struct PlainModeTests {
    /// A decision to share with housing by phone without consent, answered in plain mode (gaps, case C-0002, 1st in the list).
    static let walkthroughAnswers = [
        "1", "w",
        "", "",                                                          // 1 concern: K1 as offered, not child protection
        "1", "Housing may know about overcrowding", ".", "A housing assessment", ".", "2",   // 2 purpose
        "1",                                                             // 3 identifies someone
        "1", "not sought", "risk-to-child", "Asking could alert the father",  // 4 would share anyway; consent not sought
        "public task", "2", "", "1", "Overcrowding harms the children", ".",  // 5 basis, not special category, no gateway, in confidence
        "2",                                                             // 6 no advice sought
        "fact: Family of five in a one-bedroom flat", ".", "2", "1",     // 7 what, not the whole file, necessary and proportionate
        "Duty officer", "Housing officer", "Housing", "phone", "1", "Not to be passed to the landlord", ".", // 8 who and how
        "1",                                                             // 9 the family will be told
        "share", "Overcrowding is affecting sleep; housing can assess.", ".", "", "", "", // 10 the decision, why, its recipient as in step 8
        "", "", "1",                                                     // 11 when (now), reasons as offered, recipient told
        "b", "q",
    ]

    /// The same answers as keys in the workbook.
    static let walkthroughKeys = FrameFidelityTests.script([
        "Enter", "w", "C-n",
        "y", "Housing may know about overcrowding", "Tab", "A housing assessment", "Tab", "n",
        "Enter",
        "y", "n", "r", "Enter", "Asking could alert the father", "Enter",
        "p", "n", "y", "Overcrowding harms the children", "C-n",
        "n",
        "fact: Family of five in a one-bedroom flat", "Tab", "n", "y",
        "Duty officer", "Enter", "Housing officer", "Enter", "Housing", "Enter", "p", "y", "Not to be passed to the landlord", "C-n",
        "y",
        "s", "Overcrowding is affecting sleep; housing can assess.", "C-n",
        "y", "C-s",
    ])

    static func gapsStore() throws -> CLI {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("import", CLI.example("gaps")).status == 0)
        return cli
    }

    /// The new decision and disclosure of C-0002, with the moments they were made set aside (they differ by seconds).
    static func made(_ cli: CLI) throws -> (decision: SharingDecision?, disclosure: Disclosure?) {
        let c = try CaseFileCodec.decode(Data(try cli.run("export", "C-0002").out.utf8))
        var d = c.decision("D3"), x = c.disclosures.first { $0.id == "X3" }
        let zero = Timestamp("2026-01-01T00:00:00Z")!
        d?.decidedAt = zero
        x?.when = zero
        return (d, x)
    }

    @Test("the walkthrough answered from piped input records exactly what the same answers record in the workbook")
    func walkthroughEqualsWorkbook() throws {
        let plain = try Self.gapsStore()
        let run = try plain.run(["--plain"], stdin: Self.walkthroughAnswers.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("Decision D3 recorded."), "\(run.out.suffix(800))")
        for step in ["Step 1 of 11 · Concern", "Step 4 of 11 · Consent", "Step 11 of 11"] { #expect(run.out.contains(step)) }
        #expect(run.out.contains("(Source: Golden rule 3 (000)"), "each step's guidance and its source before its questions")

        let workbook = try Self.gapsStore()
        _ = try FrameFidelityTests.replay(Self.walkthroughKeys, store: workbook.storeFile, config: workbook.home.appendingPathComponent("config/casework"))
        let (pd, px) = try Self.made(plain), (wd, wx) = try Self.made(workbook)
        #expect(pd != nil && px != nil, "plain mode recorded the decision and its disclosure")
        #expect(pd == wd)
        #expect(px == wx)
        #expect(pd?.outcome == .share && pd?.lawfulBasis == .publicTask && px?.method == .phone && px?.recipientIdentityChecked == true)
        let flags = try plain.run("flags", "--case", "C-0002", "--json").out
        #expect(!flags.contains("\"D3\"") && !flags.contains("\"X3\""), "nothing to flag on what was recorded")
    }

    @Test("a terminal that cannot place text (TERM=dumb) says so and asks the questions plainly, instead of a blank screen")
    func dumbTerminal() throws {
        let cli = try Self.gapsStore()
        let run = try cli.run([], stdin: "q\n", env: ["TERM": "dumb"])
        #expect(run.status == 0)
        #expect(run.out.hasPrefix("This terminal (TERM=dumb) cannot place text on the screen, so the workbook is shown as plain questions instead (casework --plain)."))
        #expect(run.out.contains("1  C-0002  Alex Moreno  sam.t  open  flags: missing 6, check 6, advice 1"))
    }

    @Test("a note added, a flag put right by answering only its field with a reason, and a form refused until its answer is valid")
    func formsAndFlags() throws {
        let cli = try Self.gapsStore()
        // The case's first flag is D1's missing rationale.
        let answers = ["C-0002", "n", "2", "not-a-time", "Rang the school\u{1B}[2J about sleep", ".", "2", "", "2026-03-10T09:30:00Z",
                       "f1", "Housing can assess sooner with the facts", ".", "rationale written after supervision", "q"]
        let run = try cli.run(["--plain"], stdin: answers.joined(separator: "\n") + "\n")
        #expect(run.status == 0)
        #expect(run.out.contains("Not saved yet: When it happened:"), "the bad time is named and asked again")
        #expect(run.out.contains("Case note N1 saved."))
        #expect(run.out.contains("Decision D1 recorded."))
        #expect(!run.out.contains("\u{1B}"), "nothing typed reaches the terminal as a control sequence")
        let flags = try cli.run("flags", "--case", "C-0002", "--json").out
        #expect(!flags.contains("rationale-missing"))
        let history = try cli.run("history", "C-0002/D1").out
        #expect(history.contains("rationale written after supervision"))
        #expect(history.contains("  Rationale: ") && history.contains("  Lawful basis: "), "each version in words (issue 15)")
        let raw = try cli.run("history", "C-0002/D1", "--json").out
        #expect(!history.contains("{\"") && raw.contains("{\""), "the stored JSON only with --json")
        #expect(try cli.run("show", "C-0002").out.contains("Rang the school"))
    }

    @Test("c records a concern about a new child in plain mode too: the case, the child's words and the concern in one, then the walkthrough begins on it (issue 15, item 1)")
    func recordConcern() throws {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        let answers = ["c", "Mina Rahman", "2012-10-01", "Dad grabbed me.", ".", "Bruise on her arm", ".", "abuse", "suspected or potential harm", "yes",
                       "", "", ""]
        let run = try cli.run(["--plain"], stdin: answers.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("Record a concern") && run.out.contains("never promise a child to keep a secret (004)"))
        #expect(run.out.contains("Should you share it?") && run.out.contains("Step 1 of 11 · Concern"), "\(run.out.suffix(600))")
        let id = try #require(run.out.firstMatch(of: /Case (C-[A-Z0-9]+) created/)?.1).description
        let c = try CaseFileCodec.decode(Data(try cli.run("export", id).out.utf8))
        #expect(c.child.name == "Mina Rahman" && c.title == "Bruise on her arm")
        #expect(c.notes.map(\.kind) == [.childsWords] && c.concerns.map(\.riskLevel) == [.suspected])
    }

    @Test("the end of input mid-form saves nothing half-answered and says so")
    func endOfInput() throws {
        let cli = try Self.gapsStore()
        let before = try cli.run("export", "C-0002").out
        let run = try cli.run(["--plain"], stdin: "1\nn\n2\n")
        #expect(run.status == 0)
        #expect(run.out.hasSuffix("Input ended. Everything saved above is kept; an unfinished form was not saved.\n"))
        #expect(try cli.run("export", "C-0002").out == before)
    }
}
