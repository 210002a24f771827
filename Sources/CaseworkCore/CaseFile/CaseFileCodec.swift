import Foundation
import TerminalKit

/// A case file: `{"format": "casework-case/2", "case": {...}}`. Version 2 is version 1 with keys added
/// (`../shared/spec/case-file-v2.md`); files are written as version 2 and read in either.
public struct CaseFile: Codable, Sendable {
    public static let formatName = "casework-case/2"
    public static let version1 = "casework-case/1"
    public var format: String
    public var `case`: Case

    public init(_ c: Case) {
        format = Self.formatName
        self.case = c
    }
}

/// Reads and writes case files (`../shared/spec/case-file-v1.md`). Reading is
/// strict: an unknown key, a wrong value, a bad date or a reference to a record
/// that is not there is refused, naming the JSON path.
public enum CaseFileCodec {
    public static func decode(_ data: Data) throws(CaseFileError) -> Case {
        let (file, tree) = try strictly(CaseFile.self, data)
        switch file.format {
        case CaseFile.formatName: break
        case CaseFile.version1:
            // A version 1 file is read as version 2 with every added key absent; one that has them says the wrong version.
            if let added = firstVersion2Key(tree) { throw added }
        default:
            throw CaseFileError(path: "format", "unsupported value \(Quoted(file.format)) (expected \"\(CaseFile.formatName)\" or \"\(CaseFile.version1)\")")
        }
        try CaseValidation.validate(file.case)
        return file.case
    }

    /// The keys version 2 added, by the object that holds them (case-file-v2.md).
    static let version2Keys: [String: Set<String>] = [
        "case": ["careOrderFrom"],
        "decision": ["proposedRecipient", "requesterTold", "confidential", "statutoryGateway", "necessaryAndProportionate"],
        "consent": ["capacity", "statusChangedAt"],
        "competence": ["weighsAspects", "conclusion"],
        "disclosure": ["reasonExplainedToRecipient"],
    ]

    /// The first key (or not-sought reason) of version 2 in a file's tree, as an error naming its path.
    static func firstVersion2Key(_ tree: Any) -> CaseFileError? {
        func added(_ object: Any?, _ kind: String, _ path: String) -> CaseFileError? {
            guard let object = object as? [String: Any] else { return nil }
            let key = object.keys.sorted().first { version2Keys[kind, default: []].contains($0) }
            return key.map { CaseFileError(path: "\(path).\($0)", "is a version 2 key, but the file says \"\(CaseFile.version1)\"") }
        }
        func items(_ object: Any?, _ key: String) -> [(Int, Any)] { Array(((object as? [String: Any])?[key] as? [Any] ?? []).enumerated()) }
        let c = (tree as? [String: Any])?["case"]
        if let e = added(c, "case", "case") { return e }
        for (i, d) in items(c, "decisions") {
            let path = "case.decisions[\(i)]"
            if let e = added(d, "decision", path) { return e }
            if let reason = ((d as? [String: Any])?["consentPosition"] as? [String: Any])?["reason"] as? String,
               NotSoughtReason(rawValue: reason)?.isVersion2 == true {
                return CaseFileError(path: "\(path).consentPosition.reason", "\(Quoted(reason)) is a version 2 value, but the file says \"\(CaseFile.version1)\"")
            }
        }
        for (i, k) in items(c, "consents") {
            let path = "case.consents[\(i)]"
            if let e = added(k, "consent", path) ?? added((k as? [String: Any])?["competence"], "competence", "\(path).competence") { return e }
        }
        for (i, x) in items(c, "disclosures") {
            if let e = added(x, "disclosure", "case.disclosures[\(i)]") { return e }
        }
        return nil
    }

    /// Decodes any format value strictly: invalid JSON, a wrong type or value,
    /// or a key the type does not have is refused, naming the path.
    public static func strict<T: Decodable>(_ type: T.Type, _ data: Data) throws(CaseFileError) -> T {
        try strictly(type, data).value
    }

    /// As `strict`, with the JSON tree it was read from.
    static func strictly<T: Decodable>(_ type: T.Type, _ data: Data) throws(CaseFileError) -> (value: T, tree: Any) {
        let tree: Any
        do { tree = try JSONSerialization.jsonObject(with: data) } catch {
            throw CaseFileError(path: "", "not valid JSON (\(describeJSONError(error)))")
        }
        if let duplicate = firstDuplicateKey(data) { throw duplicate }
        if let bad = firstBadString(tree, path: "") { throw bad }
        let value: T
        do { value = try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
            throw CaseFileError(e)
        } catch { throw CaseFileError(path: "", "could not be read") }
        if let unknown = firstUnknownKey(json: tree, value: value, path: "") { throw unknown }
        return (value, tree)
    }

    /// A key given twice in one object (JSON readers silently keep one of
    /// them), found by a scan of the text itself; `data` is valid JSON.
    static func firstDuplicateKey(_ data: Data) -> CaseFileError? {
        let bytes = [UInt8](data)
        /// One open object or array: its path, and for an object the keys seen and the key being read.
        struct Level { var path: String; var keys: Set<String>?; var index = 0; var key: String? }
        var stack: [Level] = []
        var i = 0
        var expectingKey = false
        func childPath(_ l: Level) -> String {
            if l.keys != nil { return l.path.isEmpty ? (l.key ?? "") : "\(l.path).\(l.key ?? "")" }
            return "\(l.path)[\(l.index)]"
        }
        func readString() -> String {
            var raw: [UInt8] = []
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { raw.append(bytes[i]); i += 1 }
                raw.append(bytes[i]); i += 1
            }
            i += 1
            // Escapes decoded, so "\u0061" and "a" are the same key.
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
            let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
            return (try? JSONDecoder().decode(String.self, from: quoted)) ?? String(decoding: raw, as: UTF8.self)
        }
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"):
                let path = stack.last.map(childPath) ?? ""
                stack.append(Level(path: path, keys: []))
                expectingKey = true
                i += 1
            case UInt8(ascii: "["):
                let path = stack.last.map(childPath) ?? ""
                stack.append(Level(path: path, keys: nil))
                expectingKey = false
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
                i += 1
            case UInt8(ascii: ","):
                if stack.last?.keys != nil { expectingKey = true } else if !stack.isEmpty { stack[stack.count - 1].index += 1 }
                i += 1
            case UInt8(ascii: "\""):
                let text = readString()
                if expectingKey, var level = stack.popLast() {
                    if level.keys?.contains(text) == true {
                        level.key = text
                        return CaseFileError(path: childPath(level), "is given twice in one object; keep one")
                    }
                    level.keys?.insert(text)
                    level.key = text
                    stack.append(level)
                    expectingKey = false
                }
            default:
                i += 1
            }
        }
        return nil
    }

    /// The longest text any one field may hold.
    public static let maxTextLength = 100_000

    /// A string that cannot be stored: one with a NUL (it would cut the stored
    /// column) or longer than `maxTextLength` characters.
    public static func firstBadString(_ json: Any, path: String) -> CaseFileError? {
        switch json {
        case let s as String:
            if s.unicodeScalars.contains("\u{0}") { return CaseFileError(path: path, "contains a NUL character, which no text may hold") }
            if s.count > maxTextLength {
                return CaseFileError(path: path, "is \(s.count) characters long; a field holds at most 100,000, so split it into several records")
            }
        case let d as [String: Any]:
            for (k, v) in d.sorted(by: { $0.key < $1.key }) {
                if let bad = firstBadString(k, path: path) { return bad }
                if let bad = firstBadString(v, path: path.isEmpty ? k : "\(path).\(k)") { return bad }
            }
        case let a as [Any]:
            for (i, v) in a.enumerated() { if let bad = firstBadString(v, path: "\(path)[\(i)]") { return bad } }
        default: break
        }
        return nil
    }

    public static func encode(_ c: Case) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types into JSON cannot fail.
        return (try? encoder.encode(CaseFile(c))).map { $0 + Data("\n".utf8) } ?? Data()
    }

    static func describeJSONError(_ error: Error) -> String {
        let text = String(describing: error)
        for pattern in ["line \\d+, column \\d+", "(around )?(line|character) \\d+"] {
            if let r = text.range(of: pattern, options: .regularExpression) { return "at " + text[r] }
        }
        return "the document is not well-formed JSON or not UTF-8"
    }

    /// Walks the input beside the decoded value: a key the value has no
    /// property for is a key the format does not know.
    static func firstUnknownKey(json: Any, value: Any, path: String) -> CaseFileError? {
        let mirror = Mirror(reflecting: unwrap(value))
        if let object = json as? [String: Any], mirror.displayStyle == .struct {
            var fields: [String: Any] = [:]
            for child in mirror.children { if let label = child.label { fields[label] = child.value } }
            for key in object.keys.sorted() {
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let field = fields[key] else {
                    return CaseFileError(path: here, "unknown key")
                }
                if let problem = firstUnknownKey(json: object[key]!, value: field, path: here) { return problem }
            }
        } else if let object = json as? [String: Any], mirror.displayStyle == .dictionary {
            for entry in mirror.children {
                let pair = Mirror(reflecting: entry.value).children.map(\.value)
                guard pair.count == 2, let key = pair[0] as? String, let sub = object[key] else { continue }
                if let problem = firstUnknownKey(json: sub, value: pair[1], path: path.isEmpty ? key : "\(path).\(key)") { return problem }
            }
        } else if let array = json as? [Any], mirror.displayStyle == .collection {
            for (i, pair) in zip(array, mirror.children).enumerated() {
                if let problem = firstUnknownKey(json: pair.0, value: pair.1.value, path: "\(path)[\(i)]") { return problem }
            }
        }
        return nil
    }

    static func unwrap(_ value: Any) -> Any {
        let m = Mirror(reflecting: value)
        if m.displayStyle == .optional, let first = m.children.first { return unwrap(first.value) }
        return value
    }
}
