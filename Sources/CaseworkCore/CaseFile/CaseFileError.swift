import TerminalKit

/// Why a case file was refused: the JSON path of the problem and what is
/// wrong there, e.g. `case.disclosures[2].method: unknown value "emial"`.
public struct CaseFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    /// The path as written, or quoted (escaped and shortened) when it holds a
    /// key that is not a plain name: a key from a hostile file must not reach a terminal.
    public var description: String { path.isEmpty ? problem : "\(Self.shown(path)): \(problem)" }

    static func shown(_ path: String) -> String {
        let plain = path.unicodeScalars.count <= 200 && path.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "._-[]".unicodeScalars.contains(c))
        }
        return plain ? path : Quoted(path).description
    }
}

extension CaseFileError {
    static func path(_ codingPath: [CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let i = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == "\(i)" {
                out += "[\(i)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }

    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let ctx):
            self.init(path: Self.path(ctx.codingPath + [key]), "missing (this key is required)")
        case .valueNotFound(_, let ctx):
            self.init(path: Self.path(ctx.codingPath), "must not be null")
        case .typeMismatch(let type, let ctx):
            self.init(path: Self.path(ctx.codingPath), "expected \(Self.describe(type))")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                self.init(path: "", "not valid JSON")
            } else {
                self.init(path: Self.path(ctx.codingPath), ctx.debugDescription)
            }
        @unknown default:
            self.init(path: "", "could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        switch name {
        case "String", "Day", "Timestamp": return "a string"
        case "Bool": return "true or false"
        case "Int", "Double": return "a number"
        default: return name.first?.isUppercase == true ? "an object" : name
        }
    }
}
