import GRDB

/// The store's schema, as a list of migrations. Each runs in its own
/// transaction, so a store is always wholly at one version. Never edit a
/// shipped migration: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE user (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('worker', 'manager')),
                    addedAt TEXT NOT NULL,
                    addedBy TEXT NOT NULL);
                CREATE TABLE userTeam (
                    user TEXT NOT NULL REFERENCES user(name),
                    team TEXT NOT NULL,
                    PRIMARY KEY (user, team));
                CREATE TABLE caseFile (
                    id TEXT PRIMARY KEY NOT NULL,
                    title TEXT NOT NULL,
                    childName TEXT NOT NULL,
                    worker TEXT NOT NULL,
                    team TEXT,
                    opened TEXT NOT NULL,
                    closed TEXT,
                    lastActivity TEXT NOT NULL,
                    lastActivityAt REAL NOT NULL);
                CREATE INDEX caseFile_worker ON caseFile(worker);
                CREATE INDEX caseFile_team ON caseFile(team);
                CREATE TABLE record (
                    caseId TEXT NOT NULL REFERENCES caseFile(id),
                    recordId TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (caseId, recordId));
                CREATE TABLE recordVersion (
                    caseId TEXT NOT NULL,
                    recordId TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    body TEXT NOT NULL,
                    author TEXT NOT NULL,
                    at TEXT NOT NULL,
                    reason TEXT,
                    PRIMARY KEY (caseId, recordId, version),
                    FOREIGN KEY (caseId, recordId) REFERENCES record(caseId, recordId));
                CREATE TRIGGER recordVersion_no_update BEFORE UPDATE ON recordVersion
                    BEGIN SELECT RAISE(ABORT, 'record versions are amend-only'); END;
                CREATE TRIGGER recordVersion_no_delete BEFORE DELETE ON recordVersion
                    BEGIN SELECT RAISE(ABORT, 'record versions are amend-only'); END;
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    action TEXT NOT NULL,
                    caseId TEXT,
                    recordId TEXT,
                    version INTEGER,
                    prevHash TEXT NOT NULL,
                    hash TEXT NOT NULL);
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
        }
        m.registerMigration("v2-flags") { db in
            try db.execute(sql: """
                CREATE TABLE flag (
                    caseId TEXT NOT NULL REFERENCES caseFile(id),
                    recordId TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    severityRank INTEGER NOT NULL,
                    field TEXT,
                    message TEXT NOT NULL,
                    source TEXT NOT NULL,
                    dueFrom TEXT,
                    raisedAt TEXT NOT NULL,
                    since TEXT NOT NULL,
                    worker TEXT NOT NULL,
                    team TEXT,
                    status TEXT NOT NULL CHECK (status IN ('open', 'accepted')),
                    reviewId TEXT,
                    PRIMARY KEY (caseId, rule, recordId));
                CREATE INDEX flag_queue ON flag(status, severityRank, since, caseId, recordId, rule);
                CREATE INDEX flag_worker ON flag(worker, status, severityRank, since);
                CREATE INDEX flag_team ON flag(team, status, severityRank, since);
                CREATE INDEX flag_rule ON flag(rule, status);
                """)
            // Flags for cases already in the store are computed on first open (the fingerprint is unset).
        }
        m.registerMigration("v3-drafts") { db in
            try db.execute(sql: """
                CREATE TABLE draft (
                    user TEXT NOT NULL,
                    id TEXT NOT NULL,
                    caseId TEXT,
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    PRIMARY KEY (user, id));
                """)
        }
        m.registerMigration("v4-review") { db in
            try db.execute(sql: """
                CREATE TABLE caseMember (
                    caseId TEXT NOT NULL REFERENCES caseFile(id),
                    user TEXT NOT NULL,
                    PRIMARY KEY (caseId, user));
                CREATE INDEX caseMember_user ON caseMember(user);
                ALTER TABLE flag ADD COLUMN returnedIn TEXT;
                CREATE TABLE manualFlag (
                    caseId TEXT NOT NULL REFERENCES caseFile(id),
                    recordId TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    raisedBy TEXT NOT NULL,
                    raisedAt TEXT NOT NULL,
                    PRIMARY KEY (caseId, recordId));
                CREATE TABLE tombstone (
                    caseId TEXT PRIMARY KEY NOT NULL,
                    opened TEXT NOT NULL,
                    closed TEXT,
                    retentionReviewBy TEXT,
                    disposedAt TEXT NOT NULL,
                    disposedBy TEXT NOT NULL,
                    reason TEXT NOT NULL);
                """)
        }
        // Indexes for stores of 100,000 cases: items returned to a practitioner
        // without walking every open flag, and the status bar's counts from the index alone.
        m.registerMigration("v5-indexes") { db in
            try db.execute(sql: """
                CREATE INDEX flag_returned ON flag(caseId) WHERE returnedIn IS NOT NULL;
                CREATE INDEX flag_counts ON flag(status, severityRank, dueFrom);
                """)
        }
        // A flag raised by hand is its author's own row: another person's raise on
        // the same record adds a row instead of replacing theirs.
        m.registerMigration("v6-manual-flag-authors") { db in
            try db.execute(sql: """
                CREATE TABLE manualFlagByAuthor (
                    caseId TEXT NOT NULL REFERENCES caseFile(id),
                    recordId TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    raisedBy TEXT NOT NULL,
                    raisedAt TEXT NOT NULL,
                    PRIMARY KEY (caseId, recordId, raisedBy));
                INSERT INTO manualFlagByAuthor SELECT caseId, recordId, severity, reason, raisedBy, raisedAt FROM manualFlag;
                DROP TABLE manualFlag;
                ALTER TABLE manualFlagByAuthor RENAME TO manualFlag;
                """)
        }
        // A manager's note answering a failed verification of the audit trail,
        // and the events where the breaks it answers were found.
        m.registerMigration("v7-incidents") { db in
            try db.execute(sql: """
                CREATE TABLE incident (
                    event INTEGER PRIMARY KEY NOT NULL,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    note TEXT NOT NULL,
                    breaks TEXT NOT NULL);
                """)
        }
        // A draft past the policy's keeping period is offered once more, then removed.
        m.registerMigration("v8-draft-offered") { db in
            try db.execute(sql: "ALTER TABLE draft ADD COLUMN lastOfferedAt TEXT")
        }
        // The review queue's whole order from its index: flags raised in one import
        // share their time, and ordering them by case, record and rule was a sort.
        m.registerMigration("v9-queue-order") { db in
            try db.execute(sql: """
                DROP INDEX flag_queue;
                CREATE INDEX flag_queue ON flag(status, severityRank, since, caseId, recordId, rule);
                """)
        }
        // One case's audit events without reading the whole trail: who has seen the case,
        // and whether a returned item was read.
        m.registerMigration("v10-audit-by-case") { db in
            try db.execute(sql: "CREATE INDEX audit_case ON audit(caseId, action, recordId)")
        }
        // Full-text search over every word a record holds (its JSON's string values), kept by triggers.
        // Contentless: the words are indexed, not stored a second time; a row is found by the record's rowid.
        m.registerMigration("v11-search") { db in
            let words = { (row: String) in
                "CASE WHEN json_valid(\(row).body) THEN (SELECT group_concat(value, ' ') FROM json_tree(\(row).body) WHERE type = 'text') ELSE '' END"
            }
            try db.execute(sql: """
                CREATE VIRTUAL TABLE recordSearch USING fts5(words, content = '', tokenize = 'unicode61 remove_diacritics 2');
                CREATE TRIGGER recordSearch_insert AFTER INSERT ON record BEGIN
                    INSERT INTO recordSearch (rowid, words) VALUES (NEW.rowid, \(words("NEW")));
                END;
                CREATE TRIGGER recordSearch_update AFTER UPDATE OF body ON record BEGIN
                    INSERT INTO recordSearch (recordSearch, rowid, words) VALUES ('delete', OLD.rowid, \(words("OLD")));
                    INSERT INTO recordSearch (rowid, words) VALUES (NEW.rowid, \(words("NEW")));
                END;
                CREATE TRIGGER recordSearch_delete AFTER DELETE ON record BEGIN
                    INSERT INTO recordSearch (recordSearch, rowid, words) VALUES ('delete', OLD.rowid, \(words("OLD")));
                END;
                INSERT INTO recordSearch (rowid, words) SELECT rowid, \(words("record")) FROM record;
                """)
        }
        // The case list's "only cases with open flags" without walking every flag: each case keeps the
        // first day any of its open flags is due ('0000-01-01' for one due at once), kept by storeFlags.
        m.registerMigration("v12-flagged-from") { db in
            try db.execute(sql: """
                ALTER TABLE caseFile ADD COLUMN flaggedFrom TEXT;
                UPDATE caseFile SET flaggedFrom = (SELECT MIN(coalesce(dueFrom, '0000-01-01')) FROM flag
                                                   WHERE flag.caseId = caseFile.id AND +flag.status = 'open');
                CREATE INDEX caseFile_flagged ON caseFile(flaggedFrom);
                """)
        }
        // The status bar's open-flag totals without counting every open flag on each list load (issue 16): open
        // flags counted by severity and due day ('' for due at once), kept by triggers whichever write changes a flag.
        m.registerMigration("v13-flag-tally") { db in
            let add = { (row: String, by: Int) in
                """
                INSERT INTO flagTally (severityRank, dueFrom, n) SELECT \(row).severityRank, coalesce(\(row).dueFrom, ''), \(by)
                    WHERE \(row).status = 'open' ON CONFLICT (severityRank, dueFrom) DO UPDATE SET n = n + excluded.n;
                """
            }
            try db.execute(sql: """
                CREATE TABLE flagTally (severityRank INTEGER NOT NULL, dueFrom TEXT NOT NULL, n INTEGER NOT NULL,
                                        PRIMARY KEY (severityRank, dueFrom)) WITHOUT ROWID;
                INSERT INTO flagTally (severityRank, dueFrom, n)
                    SELECT severityRank, coalesce(dueFrom, ''), COUNT(*) FROM flag WHERE status = 'open' GROUP BY 1, 2;
                CREATE TRIGGER flagTally_insert AFTER INSERT ON flag BEGIN \(add("NEW", 1)) END;
                CREATE TRIGGER flagTally_delete AFTER DELETE ON flag BEGIN \(add("OLD", -1)) END;
                CREATE TRIGGER flagTally_update AFTER UPDATE OF status, severityRank, dueFrom ON flag BEGIN
                    \(add("OLD", -1)) \(add("NEW", 1))
                END;
                """)
        }
        // The review queue marks escalations from the reviews of the cases it lists: found by this index
        // instead of every record of each of those cases (issue 16: 0.3 s of a 100,000-case queue).
        m.registerMigration("v14-review-records") { db in
            try db.execute(sql: "CREATE INDEX record_review ON record(caseId) WHERE kind = 'review'")
        }
        return m
    }

    static let appendOnlyTriggers = ["audit_no_update", "audit_no_delete"]
}
