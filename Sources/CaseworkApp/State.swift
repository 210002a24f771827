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
    /// Records changed since the user last reviewed each case, for the cases on screen (managers).
    public var changedSinceReview: [String: Set<String>] = [:]
    /// A failed verification of the audit trail no manager has answered yet.
    public var auditAlarm: AuditAlarm?
    public var stack: [Screen]
    public var message: Message?
    /// Invented sample cases are available to load on first run.
    public var samplesAvailable: Bool
    /// The help overlay for the screen on top, when open: how far it is scrolled.
    public var help: Int?
    public var quitting = false
    /// The screen blanked (someone walked up): a neutral page until any key.
    public var blanked = false
    /// The organisation's sector from the store's policy: the walkthrough suggests its usual lawful basis.
    public var sector: OrganisationSector = .public
    /// The zone times are shown and typed in, from the store's policy.
    public var localTime: LocalTime = .london
    /// Years from closing a case to its retention review, from the store's policy.
    public var retentionReviewYears = Policy.defaultRetentionReviewYears

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

    public var showHelp: Bool { help != nil }
}

/// A line for the status bar: information, or a problem to act on.
public struct Message: Hashable, Sendable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
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
    /// The id the store suggests for a new case, and the form (a new case, or a concern about a new child) to open with it.
    case newCaseId(String, FormKind)
    case caseLoaded(Case, [Flag])
    /// Every version of one record, for the screens showing that record.
    case historyLoaded(caseId: String, recordId: String, [RecordVersion])
    case accessLoaded(caseId: String, [AccessEvent])
    case draftsLoaded([Draft])
    case saved(caseId: String, message: String)
    case created(caseId: String)
    case failed(String)
    /// The items for a queue, with the query they answer: only the queue asking it takes them.
    case queueLoaded(FlagQuery, [FlagEntry])
    case reportLoaded(TeamReport)
    case returnedLoaded([FlagEntry])
    /// A whole case was signed off: its view offers to close it, if it is open.
    case offerClose(caseId: String)
    /// The records matching a search.
    case searchLoaded(query: String, [SearchHit])
    /// The people the user manages, for the people screen.
    case peopleLoaded([User])
    /// Someone else wrote to the store: lists and counts on screen are asked again.
    case storeChanged
    /// Which records changed since the user's last review of each of `asked`.
    case changesLoaded(asked: [String], [String: Set<String>])
    /// A change of screen asked for among other effects, made by `update` in its turn (after
    /// the effects before it succeeded: a form whose save failed stays open).
    case navigated(Navigation)
    case draftSaved(Draft)
    case draftDeleted(String)
    case samplesImported(count: Int)
    case handoverWritten(path: String)
    /// The copy for the family was written, as Markdown and HTML: the files' names and their folder.
    case familyCopyWritten(folder: String, files: [String])
    /// A manager's review was recorded: the record screen it was made from closes.
    case reviewed(caseId: String, message: String)
    /// The case is loaded: open the form that fixes `recordId` at `field`.
    case editReady(caseId: String, recordId: String, field: RecordField?)
}

/// The changes of screen that effects carry in order.
public enum Navigation: Sendable {
    case openForm(FormState), closeForm, pop, push(Screen), quit
    /// A line for the status bar (nil clears it).
    case say(Message?)
    /// The help overlay for the screen on top.
    case showHelp
}

/// What `update` asks the edge to do: store reads and writes, and quitting.
public enum Effect: Sendable {
    /// The case list's page for its filters and where its selection is.
    case loadCases
    /// Asks the store for a new case id, then opens the form (`newCase` or `recordConcern`) that starts a case.
    case startNewCase(FormKind)
    case loadCase(String)
    case loadHistory(caseId: String, recordId: String)
    /// Who has seen the case (audited).
    case loadAccess(String)
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
    /// A line for the status bar (nil clears it).
    case say(Message?)
    /// The help overlay for the screen on top.
    case showHelp
    case loadQueue(FlagQuery, returnedOnly: Bool)
    case loadReturned
    case loadReport
    case review(ReviewRequest)
    case exportHandover(String)
    /// Writes the copy for the family (audited), leaving out the passages named.
    case writeFamilyCopy(caseId: String, withholding: Set<String>)
    case raiseFlag(caseId: String, recordId: String, reason: String)
    /// Once the case is loaded, open the form that fixes `recordId` at `field`.
    case editAfterLoad(caseId: String, recordId: String, field: RecordField?)
    /// The practitioner opened an item returned to them (recorded once, for the manager's queue).
    case markReturnedRead(caseId: String, reviewId: String)
    case loadPeople
    /// Searches the words of every record in the cases the user may see.
    case runSearch(String)
    /// Closes a case (offered at sign-off) with its retention review date.
    case closeCase(caseId: String, reviewBy: Day)
    /// Adds, removes or changes a user, then loads the people again.
    case changePeople(PeopleChange)
    /// Asks the store whether anyone else wrote to it (at every quiet moment).
    case checkForChanges
}

extension Effect {
    /// The change of screen this effect is, if it is one.
    var navigation: Navigation? {
        switch self {
        case .openForm(let f): .openForm(f)
        case .closeForm: .closeForm
        case .pop: .pop
        case .push(let screen): .push(screen)
        case .quit: .quit
        case .say(let m): .say(m)
        case .showHelp: .showHelp
        default: nil
        }
    }
}
