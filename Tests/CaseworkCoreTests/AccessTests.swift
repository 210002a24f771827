import Testing
@testable import CaseworkCore

@Suite("Who may oversee the store")
struct AccessTests {
    @Test("every oversight is a manager's; an administrator only checks the team store; a refusal names the role it refused")
    func oversight() {
        let worker = User(name: "sam.t", role: .worker), manager = User(name: "mia", role: .manager), admin = User(name: "ig", role: .admin)
        for what in Access.Oversight.allCases {
            #expect(Access.may(manager, what))
            #expect(!Access.may(worker, what))
            #expect(Access.may(admin, what) == (what == .checkTeamStore))
            #expect(throws: StoreError.forbidden(what.refusal(.worker))) { try Access.require(worker, what) }
            #expect(what.refusal(.worker).contains("(you are a worker)") && what.refusal(.admin).contains("(you are an administrator)"))
        }
    }
}
