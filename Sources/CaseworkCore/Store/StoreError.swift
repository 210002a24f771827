/// Why the store refused or failed a request. Messages name ids and users,
/// never record text, so they are safe for logs and error output.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case notInitialised(path: String)
    case notRegistered(user: String)
    case forbidden(String)
    case caseNotFound(String)
    case caseExists(String)
    case recordNotFound(caseId: String, recordId: String)
    case recordExists(caseId: String, recordId: String)
    case invalid(String)
    case invalidFile(file: String, CaseFileError)
    case busy
    case readOnly(path: String)
    case full
    /// Reading record text is audited: when the event cannot be written, nothing is shown.
    case viewNotRecorded(why: String)
    case storage(String)
    /// A stored value this version cannot read (a date that is not one, an unknown severity): the row is
    /// damaged. The value itself is never quoted; it may hold anything.
    case damaged(table: String, column: String)

    public var description: String {
        switch self {
        case .notInitialised(let path): "no store at \(path): run `casework init` first"
        case .notRegistered(let user): "user \(user) is not registered in this store; a manager can add them with `casework users add \(user) --role worker`"
        case .forbidden(let why): why
        case .caseNotFound(let id): "no case \(id) that you can see"
        case .caseExists(let id): "case \(id) already exists; use --replace to amend it from the file"
        case .recordNotFound(let c, let r): "no record \(r) in case \(c)"
        case .recordExists(let c, let r): "record \(r) already exists in case \(c)"
        case .invalid(let why): why
        case .invalidFile(let file, let e): "\(file): \(e)"
        case .busy: "the store is busy (another session is saving); nothing was saved, try again"
        case .readOnly(let path): "the store at \(path) is read-only; nothing was saved. Its owner makes it writable again with: chmod 600 \(path)"
        case .full: "the disk holding the store is full; nothing was saved. Free space on it (or ask IT to), then try again"
        case .viewNotRecorded(let why): "every reading of a case is recorded in the audit trail, and this one could not be, so nothing is shown: \(why)"
        case .storage(let what): "storage error: \(what)"
        case .damaged(let table, let column):
            "the store holds a damaged value (\(table).\(column)) that this version cannot read, so nothing was shown or changed; the store needs repair or restoring from a backup (ask IT; the column is named above)"
        }
    }
}
