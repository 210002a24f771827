// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Casework",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "casework", targets: ["casework"]),
        .executable(name: "casework-bench", targets: ["casework-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The domain: case model, case-file codec, flag rules, policy, guidance. Pure, no I/O.
        // Text that reaches a terminal goes through TerminalKit's sanitiser and widths.
        .target(name: "CaseworkCore", dependencies: ["TerminalKit"]),
        // Storage: the SQLite store (GRDB) and the team's PostgreSQL store (libpq), audit chains, flag index.
        .target(
            name: "CaseworkStore",
            dependencies: [
                "CaseworkCore", "TerminalKit", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own calls, to read a recompute's record bodies where SQLite holds them.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // libpq, PostgreSQL's own client (Debian's libpq-dev), for the team store: synchronous like
        // the rest of the store, and it reads every libpq convention (URIs, PGHOST/PGSERVICE,
        // pg_service.conf, .pgpass, sslmode) without our help. Loaded when a team store is first
        // opened, not linked: no pkg-config, whose flags would link it into every process.
        .target(name: "CLibPQ"),
        // The command line: subcommands over the store.
        .target(
            name: "CaseworkCLI",
            dependencies: [
                "CaseworkCore", "CaseworkStore", "CaseworkApp", "CursesTerminal", "TerminalKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libncursesw, seen only through a shim of static inline functions.
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        // The terminal's concerns, knowing nothing of the domain: the sanitiser, display widths and
        // plain-text tables, and the screen model (cells, frames, keys and key maps, text editing). Pure.
        .target(name: "TerminalKit"),
        // The one module that talks to curses: the Terminal protocol over ncursesw.
        .target(name: "CursesTerminal", dependencies: ["CNCurses", "TerminalKit"]),
        // The workbook's screens, Elm style: state, update, view.
        .target(name: "CaseworkApp", dependencies: ["CaseworkCore", "TerminalKit"]),
        .executableTarget(name: "casework", dependencies: ["CaseworkCLI"]),
        // `make bench`: the scenarios of BENCHMARKS.md, each beside the same SQL run by sqlite3.
        .executableTarget(
            name: "casework-bench",
            dependencies: ["CaseworkApp", "CaseworkStore", "CaseworkCore", "TerminalKit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // What the test targets share: where the repository's files are, and a quiet shell.
        .target(name: "CaseworkTestSupport", dependencies: ["CaseworkCore", "CaseworkStore"], path: "Tests/Support"),
        .testTarget(name: "CaseworkCoreTests", dependencies: ["CaseworkCore", "TerminalKit", "CaseworkTestSupport"]),
        .testTarget(name: "TerminalKitTests", dependencies: ["TerminalKit", "CaseworkTestSupport"]),
        .testTarget(name: "CaseworkAppTests", dependencies: ["CaseworkApp", "TerminalKit", "CaseworkCore", "CaseworkStore", "CaseworkTestSupport"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "CaseworkStoreTests", dependencies: ["CaseworkStore", "CaseworkCore", "TerminalKit", "CaseworkTestSupport"]),
        .testTarget(
            name: "CaseworkCLITests",
            dependencies: ["CaseworkCLI", "CaseworkStore", "CaseworkCore", "TerminalKit", "CaseworkTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["HelpSnapshots"]
        ),
    ]
)
