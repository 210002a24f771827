import CaseworkCore
import Foundation
import TerminalKit

/// Runs the workbook: draws, waits for a key, updates, and carries out the
/// effects against the store. The only place in the app with side effects;
/// it never changes the state itself: what an effect did comes back to
/// `App.update` as a message.
public final class AppRunner {
    public private(set) var state: AppState
    let store: any CaseStore
    let terminal: any Terminal
    let clock: () -> Date
    let samples: [Case]
    /// Where handover summaries are written (0600).
    let exports: URL?

    public init(state: AppState, store: any CaseStore, terminal: any Terminal, samples: [Case], exports: URL? = nil,
                clock: @escaping () -> Date = { Date() }) {
        self.state = state
        self.store = store
        self.terminal = terminal
        self.samples = samples
        self.exports = exports
        self.clock = clock
    }

    /// Loads the case list and any drafts left from an interrupted session. Watching for other
    /// people's writes starts first, so none made while these load is missed.
    public func start() {
        run([.checkForChanges, .loadCases, .loadReturned, .loadDrafts])
    }

    public func loop() {
        start()
        while !state.quitting {
            terminal.present(App.view(state))
            let event = terminal.nextEvent()
            if event == .stop { break }
            send(Self.message(event))
        }
        // Anything typed but not yet kept is kept now.
        send(.idle)
    }

    static func message(_ e: TerminalEvent) -> Msg {
        switch e {
        case .key(let k): .key(k)
        case .resize(let s): .resize(s)
        case .idle, .stop: .idle
        }
    }

    public func send(_ msg: Msg) {
        let now = clock()
        state.now = Timestamp(now)
        state.today = Day(now)
        run(App.update(&state, msg))
    }

    /// Carries out effects in order; a failure stops the rest (so a form whose
    /// save failed stays open with its text), and its message is shown.
    func run(_ effects: [Effect]) {
        for effect in effects {
            let (messages, ok) = perform(effect)
            for m in messages { run(App.update(&state, m)) }
            if !ok { return }
        }
    }

    func perform(_ effect: Effect) -> ([Msg], Bool) {
        let me = state.user.name
        do {
            switch effect {
            case .loadCases:
                return ([.casesLoaded(try store.caseList(CaseListScreen.query(state), by: me)), .auditAlarmLoaded(try store.auditAlarm())], true)
            case .startNewCase(let kind):
                return ([.newCaseId(try store.suggestedCaseId(by: me), kind)], true)
            case .loadCase(let id):
                let c = try store.viewCase(id, by: me)
                let flags = try store.flags(FlagQuery(caseId: id, on: state.today), by: me).map(\.flag)
                guard state.user.role == .manager else { return ([.caseLoaded(c, flags)], true) }
                return ([.caseLoaded(c, flags), .changesLoaded(asked: [id], try store.changedSinceReview([id], by: me))], true)
            case .loadHistory(let caseId, let recordId):
                return ([.historyLoaded(caseId: caseId, recordId: recordId, try store.history(caseId: caseId, recordId: recordId, by: me))], true)
            case .loadAccess(let caseId):
                return ([.accessLoaded(caseId: caseId, try store.caseAccess(caseId, by: me))], true)
            case .loadDrafts:
                let removed = try store.tidyDrafts(now: state.now, by: me)
                return ([.draftsLoaded(try store.drafts(by: me)), .draftsRemoved(removed)], true)
            case .createCase(let c, let draftId):
                let id = try store.createCase(c, by: me, discardingDraft: draftId)
                return ([.created(caseId: id)], true)
            case .save(let caseId, let changes, let draftId, let message):
                try store.save(changes, inCase: caseId, by: me, discardingDraft: draftId)
                return ([.saved(caseId: caseId, message: message)], true)
            case .saveDraft(let d):
                try store.saveDraft(d, by: me)
                return ([.draftSaved(d)], true)
            case .deleteDraft(let id):
                try store.deleteDraft(id, by: me)
                return ([.draftDeleted(id)], true)
            case .importSamples:
                let mine = samples.map { c -> Case in
                    var c = c
                    c.worker = me
                    c.team = state.user.teams.first ?? c.team
                    return c
                }
                _ = try store.importCases(mine, replace: false, by: me)
                return ([.samplesImported(count: mine.count), .casesLoaded(try store.caseList(CaseListScreen.query(state), by: me))], true)
            case .quit, .openForm, .closeForm, .pop, .push, .say, .showHelp:
                return (effect.navigation.map { [.navigated($0)] } ?? [], true)
            case .loadQueue(let q, let returnedOnly):
                if returnedOnly { return ([.queueLoaded(q, try store.flags(q, by: me))], true) }
                let items = try store.reviewQueue(q, by: me)
                let cases = Array(Set(items.map(\.flag.caseId))).sorted()
                return ([.queueLoaded(q, items), .changesLoaded(asked: cases, try store.changedSinceReview(cases, by: me))], true)
            case .loadReturned:
                return ([.returnedLoaded(try store.flags(FlagQuery(on: state.today, returnedOnly: true), by: me))], true)
            case .loadReport:
                return ([.reportLoaded(try store.report(team: nil, from: nil, to: nil, on: state.today, by: me))], true)
            case .review(let r):
                let review = try store.review(r, by: me)
                let reviewed = Msg.reviewed(caseId: r.caseId, message: "Review \(review.id): \(review.action.rawValue) \(r.recordId)")
                let wholeCase = r.action == .signedOff && r.recordId == r.caseId
                return (wholeCase ? [reviewed, .offerClose(caseId: r.caseId)] : [reviewed], true)
            case .closeCase(let caseId, let reviewBy):
                try store.closeAtSignOff(caseId: caseId, on: state.today, reviewBy: reviewBy, by: me)
                return ([.saved(caseId: caseId, message: "\(caseId) closed; its retention review is due \(reviewBy)")], true)
            case .raiseFlag(let caseId, let recordId, let reason):
                try store.raiseFlag(caseId: caseId, recordId: recordId, severity: .check, reason: reason, by: me)
                return ([.saved(caseId: caseId, message: "Flag raised on \(recordId)")], true)
            case .exportHandover(let caseId):
                guard let exports else { return ([.failed("No folder for exports")], false) }
                let summary = try store.handover(caseId, on: state.today, by: me)
                let file = exports.appendingPathComponent("\(caseId)-handover.md")
                guard Self.writePrivately(summary, to: file) else { return ([.failed("Could not write \(file.path)")], false) }
                return ([.handoverWritten(path: file.path)], true)
            case .writeFamilyCopy(let caseId, let withholding):
                guard let exports else { return ([.failed("No folder for exports")], false) }
                let c = try store.familyCopyCase(caseId, by: me)
                var files: [String] = []
                for (ext, text) in [("md", FamilyCopy.markdown(c, withholding: withholding, today: state.today, zone: state.localTime)),
                                    ("html", FamilyCopy.html(c, withholding: withholding, today: state.today, zone: state.localTime))] {
                    let file = exports.appendingPathComponent("\(caseId)-family.\(ext)")
                    guard Self.writePrivately(text, to: file) else { return ([.failed("Could not write \(file.path)")], false) }
                    files.append(file.lastPathComponent)
                }
                return ([.familyCopyWritten(folder: exports.path, files: files)], true)
            case .editAfterLoad(let caseId, let recordId, let field):
                return ([.editReady(caseId: caseId, recordId: recordId, field: field)], true)
            case .runSearch(let query):
                return ([.searchLoaded(query: query, try store.search(query, limit: SearchScreen.limit, by: me))], true)
            case .loadPeople:
                return ([.peopleLoaded(try store.users(by: me))], true)
            case .changePeople(let change):
                switch change {
                case .add(let u): try store.addUser(u, by: me)
                case .remove(let name): try store.removeUser(name, by: me)
                case .role(let name, let role): try store.setRole(name, role, by: me)
                case .teams(let name, let teams): try store.setTeams(name, teams, by: me)
                }
                return ([.peopleLoaded(try store.users(by: me)), .navigated(.say(Message(change.done)))], true)
            case .checkForChanges:
                return (try store.othersWrote() ? [.storeChanged] : [], true)
            case .markReturnedRead(let caseId, let reviewId):
                try store.markReturnedRead(caseId: caseId, reviewId: reviewId, by: me)
                return ([], true)
            }
        } catch {
            let text: String
            switch error {
            case .busy: text = "The store is busy; nothing was saved and your text is kept. Press Ctrl-S to try again."
            default: text = error.description
            }
            return ([.failed(text)], false)
        }
    }

    /// Writes an export for its user alone: the folder 0700 (made if missing), the file 0600.
    static func writePrivately(_ text: String, to file: URL) -> Bool {
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        return FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    }
}
