import CaseworkCore
import Foundation

/// The data an organisation can swap without a rebuild: guidance text, rule
/// texts, the default policy and the sample cases, read from a `Resources/`
/// folder at start.
public struct CaseworkResources: Sendable {
    public var directory: URL
    public var guidance: Guidance
    public var defaultPolicy: Policy

    public var samplesDirectory: URL { directory.appendingPathComponent("samples") }

    public static func load(from directory: URL) throws(StoreError) -> CaseworkResources {
        func read(_ path: String) throws(StoreError) -> Data {
            guard let d = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path) else {
                throw .invalid("cannot read \(directory.appendingPathComponent(path).path); set CASEWORK_RESOURCES to the Resources folder")
            }
            return d
        }
        let guidance: Guidance
        do {
            guidance = try Guidance.decode(rules: try read("guidance/rules.json"), walkthrough: try read("guidance/walkthrough.json"),
                                           goldenRules: try read("guidance/golden-rules.json"))
        } catch let e as CaseFileError {
            throw .invalid("guidance in \(directory.path): \(e)")
        } catch let e as StoreError { throw e } catch { throw .invalid("guidance in \(directory.path) could not be read") }
        for id in Rules.ids where guidance.rules[id] == nil {
            throw .invalid("\(directory.path)/guidance/rules.json has no text for rule \(id)")
        }
        let policy: Policy
        do { policy = try Policy.decodeDefault(try read("policy.json"), ruleIds: Rules.ids) } catch let e as CaseFileError {
            throw .invalid("\(directory.path)/policy.json: \(e)")
        } catch let e as StoreError { throw e } catch { throw .invalid("policy.json could not be read") }
        return CaseworkResources(directory: directory, guidance: guidance, defaultPolicy: policy)
    }

    /// `$CASEWORK_RESOURCES`, else `share/casework` beside the installed binary,
    /// else the source tree's `Resources/` (a development build).
    public static func locate(environment: [String: String], executable: URL?) -> URL {
        if let dir = environment["CASEWORK_RESOURCES"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        var candidates: [URL] = []
        if let exe = executable?.resolvingSymlinksInPath() {
            candidates.append(exe.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/casework"))
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources")
        candidates.append(source)
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("policy.json").path) } ?? source
    }
}

/// What the store computes flags with: the guidance and the default policy
/// from `Resources/`, under the policy stored in the store (`casework policy
/// set`, audited). No personal file changes a store's flags.
public struct FlagSettings: Sendable {
    /// What the guidance and default policy were read from (and the sample cases beside them).
    public var resources: CaseworkResources
    public var guidance: Guidance
    public var defaultPolicy: Policy

    public init(resources: CaseworkResources) {
        self.resources = resources
        guidance = resources.guidance
        defaultPolicy = resources.defaultPolicy
    }

    /// This copy of Casework's basis, as a manager would adopt it.
    public var basis: FlagBasis { FlagBasis(defaultPolicy: defaultPolicy, guidance: guidance) }

    /// The engine a store computes its flags with: the basis it holds (or,
    /// in a store from before bases were kept, or one kept for older rules,
    /// this copy's), under the policy override it holds.
    func engine(basis stored: String?, policy override: String?) throws(StoreError) -> FlagEngine {
        let basis = stored.flatMap(FlagBasis.decode).flatMap { $0.predatesRules ? nil : $0 } ?? self.basis
        var policy = basis.defaultPolicy
        if let override {
            do { policy = try Policy.decodeOverride(Data(override.utf8), over: basis.defaultPolicy) } catch {
                throw .invalid("the policy stored in the store is invalid (\(error)); a manager can replace it with `casework policy set FILE`")
            }
        }
        return FlagEngine(policy: policy, guidance: basis.applied(to: guidance))
    }
}
