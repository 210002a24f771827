import CaseworkCore
import CaseworkStore
import CaseworkTestSupport
import Foundation
import GRDB
import Testing

/// What an IT person and the administrator type: setting up the team store,
/// migrating it, bringing in a single-user store, and managing people.
@Suite("The team server's commands")
struct TeamServerCommandTests {
    func database() -> String { "cwt_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "") }

    @Test("setup creates the database and the first administrator once; a second setup changes nothing; only a superuser may")
    func setup() throws {
        let cli = try CLI()
        let db = database()
        let refused = try cli.run("server", "setup", "--admin", "ada.l", "--store", try TeamServer.address("postgres", user: "cw.nobody"))
        #expect(refused.status != 0)
        let first = try cli.run("server", "setup", "--admin", "ada.l", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("ada.l is its administrator"))
        #expect(!first.out.contains("user=postgres"), "the address for everyone names no user")
        let again = try cli.run("server", "setup", "--admin", "someone.else", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(again.status == 0 && again.out.contains("already set up; nothing changed"))
        #expect(try cli.run("users", "list", "--store", try TeamServer.address(db, user: "ada.l")).out.contains("ada.l  admin"))
        #expect(try cli.run("server", "migrate", "--store", try TeamServer.address(db, user: "postgres")).out == "The team store's schema is up to date.\n")
        let notSuper = try cli.run("server", "migrate", "--store", try TeamServer.address(db, user: "ada.l"))
        #expect(notSuper.status != 0 && notSuper.err.contains("database superuser"))
        // A practitioner who is not in the store is told so, plainly.
        let stranger = try cli.run("cases", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(stranger.status != 0 && stranger.err.contains("not registered"), "\(stranger.err)")
    }

    @Test("a single-user session never loads the PostgreSQL client (nor the twenty libraries it brings); a team store's first connection does")
    func clientLoadedOnlyForTeamStore() throws {
        let cli = try CLI()
        // The dynamic loader names each library as it loads it.
        let loads = ["LD_DEBUG": "files"]
        let local = try cli.run("init", env: loads)
        #expect(local.status == 0)
        #expect(local.err.contains("file=libsqlite3") && !local.err.contains("libpq"), "a single-user store loaded libpq")
        #expect(!(try cli.run("cases", env: loads).err.contains("libpq")))
        let team = try cli.run("cases", "--store", try TeamServer.address(database(), user: "postgres"), env: loads)
        #expect(team.status != 0 && team.err.contains("file=libpq.so.5") && team.err.contains("dynamically loaded"))
        #expect(team.err.contains("cannot connect to the team store"), "the store does not exist, and says so")
    }

    @Test("a store made by schema v1 is refused until migrated; migrate brings it up to date")
    func migrateFromV1() throws {
        let cli = try CLI()
        let db = database()
        #expect(try cli.run("server", "setup", "--admin", "ada.l", "--store", try TeamServer.address(db, user: "postgres")).status == 0)
        // Undo migration v2: the store as v1 left it, one manual flag per record and no audit alarms.
        let undo = try TeamServer.psql(db, user: "postgres", """
            DROP TRIGGER keep_incident ON casework.audit;
            DROP FUNCTION casework.keep_incident(), casework.record_incident(text, bigint[]), casework.raise_audit_alarm(text);
            DROP TABLE casework.audit_alarm, casework.audit_incident;
            ALTER TABLE casework.draft DROP COLUMN last_offered_at;
            CREATE FUNCTION casework.highest_case_number() RETURNS integer LANGUAGE sql AS 'SELECT 0';
            DROP FUNCTION casework.set_flag_basis(text);
            DELETE FROM casework.meta WHERE key = 'flagBasis';
            ALTER TABLE casework.manual_flag DROP CONSTRAINT manual_flag_pkey;
            ALTER TABLE casework.manual_flag ADD PRIMARY KEY (case_id, record_id);
            DELETE FROM casework.schema_migration WHERE id = 'v2';
            """)
        #expect(undo.status == 0, "\(undo.output)")
        let old = try cli.run("cases", "--store", try TeamServer.address(db, user: "ada.l"))
        #expect(old.status != 0 && old.err.contains("casework server migrate"), "\(old.err)")
        let migrated = try cli.run("server", "migrate", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(migrated.out == "Applied v2.\n", "\(migrated.err)")
        #expect(try cli.run("cases", "--store", try TeamServer.address(db, user: "ada.l")).status == 0)
        let key = try TeamServer.psql(db, user: "postgres", """
            SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = 'casework.manual_flag'::regclass AND i.indisprimary
            """)
        #expect(key.output.contains("case_id,record_id,raised_by"), "\(key.output)")
        let basis = try TeamServer.psql(db, user: "postgres", "SELECT value FROM casework.meta WHERE key = 'flagBasis'")
        #expect(basis.output.contains("\"defaultPolicy\""), "the migrating Casework's basis is kept")
        #expect(basis.output.contains("\"rulesVersion\":\(Rules.version)"))

        // A basis kept for older rules (version 1 kept none) is replaced by the next migration, which says so.
        let older = try TeamServer.psql(db, user: "postgres", """
            UPDATE casework.meta SET value = regexp_replace(value, ',?"rulesVersion":[0-9]+', '') WHERE key = 'flagBasis'
            """)
        #expect(older.status == 0, "\(older.output)")
        let again = try cli.run("server", "migrate", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(again.out.contains("The flag rules are now version \(Rules.version)") && again.out.contains("casework flags recompute"), "\(again.out)")
        let replaced = try TeamServer.psql(db, user: "postgres", "SELECT value FROM casework.meta WHERE key = 'flagBasis'")
        #expect(replaced.output.contains("\"rulesVersion\":\(Rules.version)"))
        let quiet = try cli.run("server", "migrate", "--store", try TeamServer.address(db, user: "postgres"))
        #expect(quiet.out == "The team store's schema is up to date.\n", "a basis of the running rules stays")
    }

    @Test("the administrator adds, re-roles, re-teams and removes people; a manager cannot")
    func people() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let admin = try TeamServer.address(db, user: "cw.admin")
        let name = "cw.p" + UUID().uuidString.prefix(6).lowercased()
        #expect(try cli.run("users", "add", "mia.manager", "--role", "manager", "--store", admin).status == 0)
        #expect(try cli.run("users", "add", name, "--role", "worker", "--team", "North", "--store", admin).status == 0)
        let manager = try TeamServer.address(db, user: "mia.manager")
        for args in [["users", "add", "eve.x", "--role", "admin"], ["users", "set-role", name, "manager"],
                     ["users", "set-team", name, "South"], ["users", "remove", name]] {
            let r = try cli.run(args + ["--store", manager])
            #expect(r.status != 0 && r.err.contains("only an administrator"), "\(args): \(r.err)")
        }
        #expect(try cli.run("users", "set-role", name, "manager", "--store", admin).out == "\(name) is now a manager.\n")
        #expect(try cli.run("users", "set-team", name, "South", "East", "--store", admin).status == 0)
        let row = try cli.run("users", "list", "--store", admin).out.split(separator: "\n").first { $0.hasPrefix(name) } ?? ""
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") == "\(name) manager East, South")
        #expect(try cli.run("users", "remove", name, "--store", admin).status == 0)
        #expect(!(try cli.run("users", "list", "--store", admin).out.contains(name)))
        #expect(try TeamServer.psql("postgres", user: "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '\(name)'").output
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the database role is dropped")
        let last = try cli.run("users", "set-role", "cw.admin", "worker", "--store", admin)
        #expect(last.status != 0 && last.err.contains("last administrator"))
        let onFile = try cli.run("users", "set-role", "x", "worker")
        #expect(onFile.status != 0)
    }

    @Test("a single-user store comes in whole: cases, versions, reviews, flags and its audit trail re-chained; or not at all")
    func importStore() throws {
        let cli = try CLI()
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("users", "add", "sam.t", "--role", "worker", "--team", "Early Help North").status == 0)
        #expect(try cli.run("import", CLI.example("gaps"), CLI.example("recorded-well")).status == 0)
        let me = try cli.run("users", "list").out.split(separator: "\n")[1].split(separator: " ")[0]
        #expect(try cli.run("review", "return", "C-0002/D1", "--rule", "rationale-missing", "--note", "Say why").status == 0)
        let head = try DatabaseQueue(path: cli.storeFile.path).read { db in try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") }

        let db = try TeamServer.newStore()
        let superuser = try TeamServer.address(db, user: "postgres")
        let r = try cli.run("server", "import-store", cli.storeFile.path, "--store", superuser)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Imported 2 cases"))
        let manager = try TeamServer.address(db, user: String(me))
        #expect(try cli.run("cases", "--store", manager).out.contains("C-0002"))
        let history = try cli.run("history", "C-0002/R1", "--store", manager)
        #expect(history.status == 0 && history.out.contains("Version 1"), "\(history.err)")
        #expect(try cli.run("audit", "verify", "--store", manager).status == 0)
        let marker = try TeamServer.psql(db, user: "postgres", "SELECT digest FROM casework.audit WHERE action = 'import-store'").output
        #expect(marker.trimmingCharacters(in: .whitespacesAndNewlines) == head)
        let check = try cli.run("check", "--store", try TeamServer.address(db, user: "cw.admin"))
        #expect(check.status == 0, "\(check.out)")
        #expect(try cli.run("flags", "--store", try TeamServer.address(db, user: "sam.t")).out.contains("rationale-missing"))

        // The same store again: C-0001 is already there, so nothing at all comes in.
        let before = try TeamServer.psql(db, user: "postgres", "SELECT count(*) FROM casework.audit").output
        let twice = try cli.run("server", "import-store", cli.storeFile.path, "--store", superuser)
        #expect(twice.status != 0 && twice.err.contains("already in the team store"))
        #expect(try TeamServer.psql(db, user: "postgres", "SELECT count(*) FROM casework.audit").output == before)
    }

    @Test("invented cases for a benchmark go in by COPY: each user sees their own, the store checks clean, search works; never into a store with cases")
    func generateDemo() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let superuser = try TeamServer.address(db, user: "postgres")
        let settings = FlagSettings(resources: try CaseworkResources.load(from: Repository.resources))
        let users = [User(name: "gen.w1", role: .worker, teams: ["Gen North"]), User(name: "gen.w2", role: .worker, teams: ["Gen South"]),
                     User(name: "gen.m1", role: .manager, teams: ["Gen North"])]
        let engine = try PostgresCaseStore(address: superuser, settings: settings).engine
        let made = try PostgresServer.generateDemo(into: superuser, cases: 60, seed: 5, users: users, engine: engine, batch: 25)
        #expect(made.cases == 60 && made.users == 3 && made.records > 60 * 5 && made.flags > 0)

        let mine = try cli.run("cases", "--store", try TeamServer.address(db, user: "gen.w1"))
        #expect(mine.status == 0 && mine.out.contains("gen.w1") && !mine.out.contains("gen.w2"), "\(mine.err)")
        let manager = try cli.run("review", "queue", "--json", "--store", try TeamServer.address(db, user: "gen.m1"))
        #expect(manager.status == 0 && manager.out.contains("gen.w1") && !manager.out.contains("gen.w2"), "\(manager.err)")
        // The audit chain verifies and every case's stored flags are exactly the rules' flags.
        let check = try cli.run("check", "--store", try TeamServer.address(db, user: "cw.admin"))
        #expect(check.status == 0, "\(check.out)")
        #expect(try TeamServer.psql(db, user: "postgres", "SELECT count(*) FROM pg_indexes WHERE indexname = 'record_search'").output
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let flagged = try TeamServer.psql(db, user: "postgres", """
            SELECT count(*) FROM casework.case_file c WHERE c.flagged_from IS DISTINCT FROM
              (SELECT min(coalesce(f.due_from, '0000-01-01')) FROM casework.flag f WHERE f.case_id = c.id AND f.status = 'open')
            """).output
        #expect(flagged.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        let before = try TeamServer.psql(db, user: "postgres", "SELECT count(*) FROM casework.audit").output
        #expect(throws: StoreError.self) { try PostgresServer.generateDemo(into: superuser, cases: 5, seed: 6, users: users, engine: engine) }
        #expect(try TeamServer.psql(db, user: "postgres", "SELECT count(*) FROM casework.audit").output == before)
    }

    @Test("practitioners need no option: the system configuration names the team store")
    func systemConfiguration() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let etc = cli.home.appendingPathComponent("etc-xdg/casework")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        try Data(#"{"store": "\#(try TeamServer.address(db, user: "cw.admin"))"}"#.utf8).write(to: etc.appendingPathComponent("config.json"))
        let r = try cli.run(["users", "list"], env: ["XDG_CONFIG_DIRS": cli.home.appendingPathComponent("etc-xdg").path, "CASEWORK_STORE": ""])
        #expect(r.status == 0 && r.out.contains("cw.admin  admin"), "\(r.err)")
        try Data("not json".utf8).write(to: etc.appendingPathComponent("config.json"))
        let bad = try cli.run(["cases"], env: ["XDG_CONFIG_DIRS": cli.home.appendingPathComponent("etc-xdg").path, "CASEWORK_STORE": ""])
        #expect(bad.status != 0 && bad.err.contains("is not a Casework configuration"))
    }

    @Test("libpq's own conventions work: PGHOST and friends with an empty address, and a service in pg_service.conf")
    func libpqConventions() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let parts = Dictionary(try TeamServer.superuser().split(separator: " ").compactMap { pair -> (String, String)? in
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return kv.count == 2 ? (kv[0], kv[1]) : nil
        }, uniquingKeysWith: { a, _ in a })
        let env = ["PGHOST": parts["host"] ?? "", "PGPORT": parts["port"] ?? "", "PGDATABASE": db, "PGUSER": "cw.admin"]
        let viaEnvironment = try cli.run(["users", "list", "--store", "postgresql://"], env: env)
        #expect(viaEnvironment.status == 0 && viaEnvironment.out.contains("cw.admin"), "\(viaEnvironment.err)")
        let services = try cli.file("pg_service.conf", """
            [casework]
            host=\(parts["host"] ?? "")
            port=\(parts["port"] ?? "")
            dbname=\(db)
            user=cw.admin

            """)
        let viaService = try cli.run(["users", "list", "--store", "service=casework"], env: ["PGSERVICEFILE": services])
        #expect(viaService.status == 0 && viaService.out.contains("cw.admin"), "\(viaService.err)")
        let wrong = try cli.run(["users", "list", "--store", "service=nowhere"], env: ["PGSERVICEFILE": services])
        #expect(wrong.status != 0 && wrong.err.contains("cannot connect to the team store"), "\(wrong.err)")
    }

    @Test("from a laptop: TLS with a password connects; without TLS, or with a wrong password, the server refuses")
    func tlsWithPassword() throws {
        let cli = try CLI()
        let db = try TeamServer.newStore()
        let port = try TeamServer.superuser().split(separator: " ").first { $0.hasPrefix("port=") }?.dropFirst(5) ?? "5432"
        // The cluster lets members of cw_remote in only with TLS and a password, as a server does for laptops.
        let name = "cw.lap" + UUID().uuidString.prefix(6).lowercased()
        #expect(try cli.run("users", "add", name, "--role", "worker", "--store", try TeamServer.address(db, user: "cw.admin")).status == 0)
        #expect(try TeamServer.psql(db, user: "postgres", "ALTER ROLE \"\(name)\" PASSWORD 'correct horse battery'; GRANT cw_remote TO \"\(name)\"").status == 0)
        let pgpass = cli.home.appendingPathComponent(".pgpass")
        try Data("127.0.0.1:\(port):\(db):\(name):correct horse battery\n".utf8).write(to: pgpass)
        chmod(pgpass.path, 0o600)
        let remote = "postgresql://\(name)@127.0.0.1:\(port)/\(db)"
        let tls = try cli.run("users", "list", "--store", remote + "?sslmode=require")
        #expect(tls.status == 0 && tls.out.contains(name), "\(tls.err)")
        let plain = try cli.run("users", "list", "--store", remote + "?sslmode=disable")
        #expect(plain.status != 0 && plain.err.contains("cannot connect to the team store"), "\(plain.err)")
        let wrong = try cli.run(["users", "list", "--store", remote + "?sslmode=require"], env: ["PGPASSWORD": "guess"])
        #expect(wrong.status != 0 && wrong.err.contains("cannot connect to the team store"), "\(wrong.err)")
        #expect(!wrong.err.contains("guess") && !tls.err.contains("correct horse"))
    }
}
