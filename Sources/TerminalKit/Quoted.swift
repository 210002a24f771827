/// A value from untrusted input, quoted for an error message: control
/// characters escaped and long values cut, so a message stays one short line
/// and can never carry a terminal escape sequence.
public struct Quoted: CustomStringConvertible, Sendable {
    public let raw: String
    public init(_ raw: String) { self.raw = raw }

    public var description: String {
        var out = "\""
        var count = 0
        for scalar in raw.unicodeScalars {
            if count == 40 { out += "…"; break }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if Sanitiser.isControl(scalar) || [.format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory) {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out + "\""
    }
}
