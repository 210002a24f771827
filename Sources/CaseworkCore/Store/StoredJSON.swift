import Foundation

/// Reads the store's own record bodies: JSON this program wrote, parsed once
/// into a flat tape, then read by the type's own reader (`StoredReadable`,
/// every record kind) or, for any other type, handed to its `Decodable`
/// conformance through a `Decoder` that keeps no coding path and builds no
/// dictionary per object. Anything it does not take (malformed text, a value
/// of the wrong type, a number out of range, a key a reader does not know)
/// throws, and the caller decodes the same body with `JSONDecoder`, whose
/// result and messages are the reference; tests decode every generated body,
/// and every body one change away from a stored one, both ways.
enum StoredJSON {
    /// Any reason this decoder gives up; never shown to anyone.
    struct Refused: Error {}

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        var text = text
        return try text.withUTF8 { bytes in try decode(type, utf8: bytes) }
    }

    /// The same, from a body's UTF-8 where it lies (a database's buffer), with no `String` made of it.
    static func decode<T: Decodable>(_ type: T.Type, utf8 bytes: UnsafeBufferPointer<UInt8>) throws -> T {
        if let readable = T.self as? any StoredReadable.Type { return try read(readable, utf8: bytes) as! T }
        return try T(from: Reader(document: Document(tape: try Parser.parse(bytes), bytes: bytes), at: 0))
    }

    /// A body read by the type's own `StoredReadable` reader, never through `Decoder`.
    static func read<T: StoredReadable>(_ type: T.Type, from text: String) throws -> T {
        var text = text
        return try text.withUTF8 { bytes in try read(type, utf8: bytes) }
    }

    /// The same, from a body's UTF-8 where it lies.
    static func read<T: StoredReadable>(_ type: T.Type, utf8 bytes: UnsafeBufferPointer<UInt8>) throws -> T {
        try Parser.parse(bytes).withUnsafeBufferPointer { tape in try T(stored: Value(tape: tape, bytes: bytes, at: 0)) }
    }

    /// The text of a string on the tape.
    static func string(_ n: Node, in bytes: UnsafeBufferPointer<UInt8>) throws(Refused) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(n.start)..<Int(n.end)])
        switch n.kind {
        // Bytes that are not valid UTF-8 (possible only in a body read from the database's buffer) are
        // repaired as reading the whole body into a `String` first would have repaired them.
        case .string: return String(decoding: raw, as: UTF8.self)
        case .escapedString: return try Reader.unescape(raw)
        default: throw Refused()
        }
    }

    /// One value on the tape: its kind, where its text is (a string's without
    /// the quotes), and for a container the tape index just past it.
    struct Node {
        enum Kind: UInt8 { case null, `false`, `true`, number, string, escapedString, array, object }
        var kind: Kind
        var start: Int32
        var end: Int32
        var next: Int32
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var tape: [Node] = []

        static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Refused) -> [Node] {
            guard bytes.count < Int(Int32.max) else { throw Refused() }
            var p = Parser(bytes: bytes)
            p.tape.reserveCapacity(bytes.count / 8 + 4)
            try p.value(depth: 0)
            p.skipSpace()
            guard p.i == bytes.count else { throw Refused() }
            return p.tape
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func literal(_ word: StaticString, _ kind: Node.Kind) throws(Refused) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw Refused() }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw Refused() }
            tape.append(Node(kind: kind, start: Int32(i), end: Int32(i + n), next: Int32(tape.count + 1)))
            i += n
        }

        mutating func value(depth: Int) throws(Refused) {
            guard depth < 64 else { throw Refused() }
            skipSpace()
            guard i < bytes.count else { throw Refused() }
            switch bytes[i] {
            case UInt8(ascii: "{"): try container(object: true, depth: depth)
            case UInt8(ascii: "["): try container(object: false, depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true", .true)
            case UInt8(ascii: "f"): try literal("false", .false)
            case UInt8(ascii: "n"): try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): number()
            default: throw Refused()
            }
        }

        mutating func number() {
            let start = i
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                     UInt8(ascii: "+"), UInt8(ascii: "-"): i += 1
                default:
                    tape.append(Node(kind: .number, start: Int32(start), end: Int32(i), next: Int32(tape.count + 1)))
                    return
                }
            }
            tape.append(Node(kind: .number, start: Int32(start), end: Int32(i), next: Int32(tape.count + 1)))
        }

        mutating func string() throws(Refused) {
            i += 1
            let start = i
            var escaped = false
            let base = UnsafeRawPointer(bytes.baseAddress!)
            while i < bytes.count {
                // Eight bytes at a time while none is a quote, a backslash or a control character.
                while i + 8 <= bytes.count, !Self.anySpecial(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
                guard i < bytes.count else { break }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    tape.append(Node(kind: escaped ? .escapedString : .string, start: Int32(start), end: Int32(i), next: Int32(tape.count + 1)))
                    i += 1
                    return
                }
                if b == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
                if b < 0x20 { throw Refused() }
                i += 1
            }
            throw Refused()
        }

        /// Whether any of the eight bytes of `w` is `"`, `\` or below 0x20 (a test on whole words
        /// that is exact for "any", though not for which).
        static func anySpecial(_ w: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            func anyZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            let below = (w &- ones &* 0x20) & ~w & highs
            return (anyZero(w ^ (ones &* 0x22)) | anyZero(w ^ (ones &* 0x5C)) | below) != 0
        }

        mutating func container(object: Bool, depth: Int) throws(Refused) {
            let me = tape.count
            tape.append(Node(kind: object ? .object : .array, start: Int32(i), end: 0, next: 0))
            i += 1
            skipSpace()
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            if i < bytes.count, bytes[i] == close {
                i += 1
            } else {
                while true {
                    if object {
                        skipSpace()
                        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Refused() }
                        try string()
                        skipSpace()
                        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Refused() }
                        i += 1
                    }
                    try value(depth: depth + 1)
                    skipSpace()
                    guard i < bytes.count else { throw Refused() }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == close else { throw Refused() }
                    i += 1
                    break
                }
            }
            tape[me].end = Int32(i)
            tape[me].next = Int32(tape.count)
        }
    }

    /// A parsed body: the text and its tape, alive while one `decode` runs.
    final class Document {
        let tape: [Node]
        let bytes: UnsafeBufferPointer<UInt8>
        init(tape: [Node], bytes: UnsafeBufferPointer<UInt8>) { self.tape = tape; self.bytes = bytes }
    }

    /// The value at one place on the tape, as the `Decodable` types ask for it.
    /// Two words, so passing it as `any Decoder` allocates nothing.
    struct Reader: Decoder {
        let document: Document
        let at: Int
        var tape: [Node] { document.tape }
        var bytes: UnsafeBufferPointer<UInt8> { document.bytes }

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func node(_ k: Int) -> Node { tape[k] }

        func string(_ k: Int) throws -> String { try StoredJSON.string(tape[k], in: bytes) }

        static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(Refused) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var i = 0
            func hex4(_ at: Int) throws(Refused) -> UInt32 {
                guard at + 4 <= raw.count else { throw Refused() }
                var v: UInt32 = 0
                for k in at..<at + 4 {
                    let c = raw[k]
                    let d: UInt8
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                    default: throw Refused()
                    }
                    v = v << 4 | UInt32(d)
                }
                return v
            }
            while i < raw.count {
                let b = raw[i]
                guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
                guard i + 1 < raw.count else { throw Refused() }
                switch raw[i + 1] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(i + 2)
                    i += 6
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else { throw Refused() }
                        let low = try hex4(i + 2)
                        guard (0xDC00..<0xE000).contains(low) else { throw Refused() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw Refused() }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                    continue
                default: throw Refused()
                }
                i += 2
            }
            return String(decoding: out, as: UTF8.self)
        }

        func bool(_ k: Int) throws -> Bool {
            switch tape[k].kind {
            case .true: true
            case .false: false
            default: throw Refused()
            }
        }

        func integer<T: FixedWidthInteger>(_ k: Int) throws -> T {
            let n = tape[k]
            guard n.kind == .number else { throw Refused() }
            var i = Int(n.start)
            let negative = bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            guard i < Int(n.end) else { throw Refused() }
            var v: T = 0
            while i < Int(n.end) {
                let c = bytes[i]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw Refused() }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(T(c - UInt8(ascii: "0")))
                                       : m.addingReportingOverflow(T(c - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw Refused() }
                v = s
                i += 1
            }
            return v
        }

        func double(_ k: Int) throws -> Double {
            let n = tape[k]
            guard n.kind == .number,
                  let d = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(n.start)..<Int(n.end)]), as: UTF8.self)),
                  d.isFinite else { throw Refused() }
            return d
        }

        func decode<T: Decodable>(_ type: T.Type, at k: Int) throws -> T {
            if T.self == String.self { return try string(k) as! T }
            return try T(from: Reader(document: document, at: k))
        }

        /// The tape index of `key`'s value in the object at `object`, or nil.
        func member(_ key: String, in object: Int) -> Int? {
            var k = object + 1
            let end = Int(tape[object].next)
            var key = key
            return key.withUTF8 { want -> Int? in
                while k < end {
                    let n = tape[k]
                    if n.kind == .string, Int(n.end - n.start) == want.count,
                       memcmp(bytes.baseAddress! + Int(n.start), want.baseAddress!, want.count) == 0 {
                        return k + 1
                    }
                    if n.kind == .escapedString, (try? string(k)) == String(decoding: want, as: UTF8.self) { return k + 1 }
                    k = Int(tape[k + 1].next)
                }
                return nil
            }
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard tape[at].kind == .object else { throw Refused() }
            return KeyedDecodingContainer(Keyed<Key>(reader: self, object: at))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard tape[at].kind == .array else { throw Refused() }
            return Unkeyed(reader: self, array: at)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(reader: self) }

        func at(_ k: Int) -> Reader { Reader(document: document, at: k) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: Reader
        let object: Int
        var codingPath: [any CodingKey] { [] }

        var allKeys: [Key] {
            var keys: [Key] = []
            var k = object + 1
            while k < Int(reader.tape[object].next) {
                if let s = try? reader.string(k), let key = Key(stringValue: s) { keys.append(key) }
                k = Int(reader.tape[k + 1].next)
            }
            return keys
        }

        func contains(_ key: Key) -> Bool { reader.member(key.stringValue, in: object) != nil }

        func value(_ key: Key) throws -> Int {
            guard let k = reader.member(key.stringValue, in: object) else { throw Refused() }
            return k
        }

        /// The value's index, or nil when the key is absent or null.
        func present(_ key: Key) -> Int? {
            guard let k = reader.member(key.stringValue, in: object), reader.tape[k].kind != .null else { return nil }
            return k
        }

        func decodeNil(forKey key: Key) throws -> Bool { reader.tape[try value(key)].kind == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(try value(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.string(try value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.double(try value(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try reader.double(try value(key))) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.integer(try value(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.integer(try value(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.integer(try value(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.integer(try value(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.integer(try value(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.integer(try value(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.integer(try value(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.integer(try value(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.integer(try value(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.integer(try value(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.decode(T.self, at: try value(key)) }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key).map(reader.bool) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key).map(reader.string) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key).map { try reader.integer($0) } }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try present(key).map { try reader.decode(T.self, at: $0) }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try reader.at(try value(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try reader.at(try value(key)).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { throw Refused() }
        func superDecoder(forKey key: Key) throws -> any Decoder { reader.at(try value(key)) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let reader: Reader
        let array: Int
        var position: Int
        var currentIndex = 0

        init(reader: Reader, array: Int) {
            self.reader = reader; self.array = array; position = array + 1
        }

        var codingPath: [any CodingKey] { [] }
        var count: Int? {
            var n = 0, k = array + 1
            while k < Int(reader.tape[array].next) { n += 1; k = Int(reader.tape[k].next) }
            return n
        }
        var isAtEnd: Bool { position >= Int(reader.tape[array].next) }

        mutating func next() throws -> Int {
            guard !isAtEnd else { throw Refused() }
            let k = position
            position = Int(reader.tape[k].next)
            currentIndex += 1
            return k
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw Refused() }
            if reader.tape[position].kind == .null { _ = try next(); return true }
            return false
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(try next()) }
        mutating func decode(_ type: String.Type) throws -> String { try reader.string(try next()) }
        mutating func decode(_ type: Double.Type) throws -> Double { try reader.double(try next()) }
        mutating func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(try next())) }
        mutating func decode(_ type: Int.Type) throws -> Int { try reader.integer(try next()) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(try next()) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(try next()) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(try next()) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(try next()) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(try next()) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(try next()) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(try next()) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(try next()) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(try next()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decode(T.self, at: try next()) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try reader.at(try next()).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try reader.at(try next()).unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { reader.at(try next()) }
    }

    struct Single: SingleValueDecodingContainer {
        let reader: Reader
        var codingPath: [any CodingKey] { [] }
        var k: Int { reader.at }

        func decodeNil() -> Bool { reader.tape[k].kind == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(k) }
        func decode(_ type: String.Type) throws -> String { try reader.string(k) }
        func decode(_ type: Double.Type) throws -> Double { try reader.double(k) }
        func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(k)) }
        func decode(_ type: Int.Type) throws -> Int { try reader.integer(k) }
        func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(k) }
        func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(k) }
        func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(k) }
        func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(k) }
        func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(k) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(k) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(k) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(k) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(k) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decode(T.self, at: k) }
    }
}
