import Foundation

/// The committed test fixtures: the spec's example case files (copied from
/// `shared/spec/examples/`) and the stores kept from older schema versions.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func caseFile(_ name: String) -> Data {
        // A missing fixture is a broken checkout; failing loudly is right here.
        try! Data(contentsOf: root.appendingPathComponent("cases/\(name).json"))
    }
}
