import CaseworkCore
import TerminalKit

/// Everything the workbook shows, as a value. `update` changes it, `view` draws it.
public struct AppState: Sendable {
    public var user: User
    public var today: Day
    public var now: Timestamp
    public var size: Size
    public var guidance: Guidance
    /// The slice of the case list loaded from the store.
    public var caseList: CaseListPage
    /// Flags a manager returned to this user, with their notes.
    public var returned: [FlagEntry] = []
    public var drafts: [Draft] = []
    /// A failed verification of the audit trail no manager has answered yet.
    public var auditAlarm: AuditAlarm?
    public var stack: [Screen]
    public var message: Message?
    /// Invented sample cases are available to load on first run.
    public var samplesAvailable: Bool
    public var showHelp = false
    /// How far the help overlay is scrolled.
    public var helpScroll = 0
    public var quitting = false

    public init(user: User, today: Day, now: Timestamp, size: Size, guidance: Guidance, samplesAvailable: Bool) {
        self.user = user; self.today = today; self.now = now; self.size = size; self.guidance = guidance
        self.samplesAvailable = samplesAvailable
        stack = [.caseList(CaseListState())]
        caseList = CaseListPage(query: CaseListQuery(on: today), entries: [], total: 0, openFlags: [:])
    }

    public var screen: Screen {
        get { stack[stack.count - 1] }
        set { stack[stack.count - 1] = newValue }
    }
}

/// A line for the status bar: information, or a problem to act on.
public struct Message: Hashable, Sendable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
}

/// One screen of the workbook; screens stack, Esc goes back.
public enum Screen: Sendable {
    case caseList(CaseListState)
    case caseView(CaseViewState)
    case record(RecordState)
    case history(HistoryState)
    case form(FormState)
    case resume(ResumeState)
    case queue(QueueState)
    case report(ReportState)
}

/// The manager's review queue, or a practitioner's returned items.
public struct QueueState: Sendable {
    public var returnedOnly: Bool
    public var items: [FlagEntry]?
    public var selected = 0
    public var worker: String?
    public var severity: Severity?
    public var rule: String?
    public var caseId: String?
    /// Every item before filters, for cycling through the values present.
    public var unfiltered: [FlagEntry] = []
    public init(returnedOnly: Bool) { self.returnedOnly = returnedOnly }
}

public struct ReportState: Sendable {
    public var report: TeamReport?
    public var scroll = 0
}

/// A review action being written: its note, and for an escalation, to whom.
public struct ReviewPrompt: Sendable {
    public var action: ReviewAction
    public var rule: String?
    public var note = TextBuffer()
    public var escalateTo: EscalationTarget = .designatedSafeguardingLead
}

public struct CaseListState: Hashable, Sendable {
    public var selected = 0
    /// Typing a search after `/`.
    public var search: TextBuffer?
    public var query = ""
    public var mineOnly = false
    public var flaggedOnly = false
    public init() {}
}

public struct CaseViewState: Sendable {
    public var caseId: String
    public var loaded: Case?
    public var flags: [Flag] = []
    public var selected = 0
    public var scroll = 0
    public var flagsFocused = false
    public var flagSelected = 0
    /// Choosing what to add (after `a`).
    public var adding = false

    public init(caseId: String) { self.caseId = caseId }
}

public struct RecordState: Sendable {
    public var caseId: String
    public var recordId: String
    public var scroll = 0
    /// The flag this record was opened for from the queue, if any.
    public var rule: String?
    public var versions: [RecordVersion]?
    public var prompt: ReviewPrompt?

    public init(caseId: String, recordId: String, rule: String? = nil) {
        self.caseId = caseId; self.recordId = recordId; self.rule = rule
    }
}

public struct HistoryState: Sendable {
    public var caseId: String
    public var recordId: String
    public var versions: [RecordVersion]?
    public var scroll = 0
}

public struct ResumeState: Hashable, Sendable {
    public var drafts: [Draft]
    public var selected = 0
}

/// What `update` is told.
public enum Msg: Sendable {
    case key(Key)
    case resize(Size)
    case idle
    case casesLoaded(CaseListPage)
    case auditAlarmLoaded(AuditAlarm?)
    /// Drafts past the policy's keeping period, offered once before, were removed.
    case draftsRemoved(Int)
    /// The id the store suggests for a new case.
    case newCaseId(String)
    case caseLoaded(Case, [Flag])
    /// Every version of one record, for the screens showing that record.
    case historyLoaded(caseId: String, recordId: String, [RecordVersion])
    case draftsLoaded([Draft])
    case saved(caseId: String, message: String)
    case created(caseId: String)
    case failed(String)
    case queueLoaded([FlagEntry])
    case reportLoaded(TeamReport)
    case returnedLoaded([FlagEntry])
    /// A change of screen asked for among other effects, made by `update` in its turn (after
    /// the effects before it succeeded: a form whose save failed stays open).
    case navigated(Navigation)
    case draftSaved(Draft)
    case samplesImported(count: Int)
    case handoverWritten(path: String)
    /// A manager's review was recorded: the record screen it was made from closes.
    case reviewed(caseId: String, message: String)
    /// The case is loaded: open the form that fixes `recordId` at `field`.
    case editReady(caseId: String, recordId: String, field: RecordField?)
}

/// The changes of screen that effects carry in order.
public enum Navigation: Sendable {
    case openForm(FormState), closeForm, pop, push(Screen), quit
}

/// What `update` asks the edge to do: store reads and writes, and quitting.
public enum Effect: Sendable {
    /// The case list's page for its filters and where its selection is.
    case loadCases
    /// Asks the store for a new case id, then opens the new-case form.
    case startNewCase
    case loadCase(String)
    case loadHistory(caseId: String, recordId: String)
    case loadDrafts
    case createCase(Case, draftId: String?)
    case save(caseId: String, changes: [RecordChange], draftId: String?, message: String)
    case saveDraft(Draft)
    case deleteDraft(String)
    case importSamples
    case quit
    /// Opens a form above the current screen (the walkthrough's "seek consent now").
    case openForm(FormState)
    /// Closes the form once its save succeeded (or at once when leaving).
    case closeForm
    /// Back one screen.
    case pop
    /// A new screen on top.
    case push(Screen)
    case loadQueue(FlagQuery, returnedOnly: Bool)
    case loadReturned
    case loadReport
    case review(ReviewRequest)
    case exportHandover(String)
    case raiseFlag(caseId: String, recordId: String, reason: String)
    /// Once the case is loaded, open the form that fixes `recordId` at `field`.
    case editAfterLoad(caseId: String, recordId: String, field: RecordField?)
}
