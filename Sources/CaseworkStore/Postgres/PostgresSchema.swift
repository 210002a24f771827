/// The team store's schema in PostgreSQL, as a list of migrations, and the
/// roles it is enforced through. The database is the enforcement point:
///
/// - every person logs in as their own role (peer authentication on the
///   server), a member of one of `casework_worker`, `casework_manager` or
///   `casework_admin`, which are members of `casework_user`;
/// - tables belong to `casework_owner`, a role nobody logs in as; casework
///   roles may SELECT through row-level security and write nothing directly;
/// - every write goes through a `SECURITY DEFINER` function with a fixed
///   `search_path` that checks the caller (`session_user`), writes the record
///   version and extends the audit chain, serialised by an advisory lock.
///
/// Never edit a shipped migration: add a new one.
enum PostgresSchema {
    static let owner = "casework_owner"
    static let groups = ["casework_user", "casework_worker", "casework_manager", "casework_admin"]

    /// `Access.canSee` over a row's `worker`, `team` and case id, in SQL: the
    /// one spelling used by the row-level policies and the write functions.
    static func visible(worker: String, team: String, caseId: String) -> String {
        """
        (\(worker) = session_user::text
         OR \(caseId) = ANY ((SELECT casework.member_cases())::text[])
         OR ((SELECT casework.my_role()) = 'manager'
             AND (cardinality((SELECT casework.my_teams())) = 0 OR \(team) = ANY ((SELECT casework.my_teams())::text[]))))
        """
    }

    /// Creates the group roles and the owner if missing (run by a superuser).
    static let roles = """
        DO $$
        DECLARE r text;
        BEGIN
          -- Roles belong to the whole cluster: each step is skipped when already done,
          -- and a setup that loses a race with another is retried by the client.
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'casework_owner') THEN
            CREATE ROLE casework_owner NOLOGIN CREATEROLE;
          END IF;
          FOREACH r IN ARRAY ARRAY['casework_user', 'casework_worker', 'casework_manager', 'casework_admin'] LOOP
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
              EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            END IF;
          END LOOP;
          FOREACH r IN ARRAY ARRAY['casework_worker', 'casework_manager', 'casework_admin'] LOOP
            IF NOT pg_has_role(r, 'casework_user', 'MEMBER') THEN EXECUTE format('GRANT casework_user TO %I', r); END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = to_regrole(r) AND member = to_regrole('casework_owner')
                           AND admin_option) THEN
              EXECUTE format('GRANT %I TO casework_owner WITH ADMIN OPTION', r);
            END IF;
          END LOOP;
        END $$;
        """

    static let migrations: [(id: String, sql: String)] = [("v1", v1), ("v2", v2), ("v3", v3), ("v4", v4), ("v5", v5), ("v6", v6), ("v7", v7), ("v8", v8), ("v9", v9), ("v10", v10), ("v11", v11)]

    static let v1 = """
        CREATE TABLE casework.schema_migration (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE casework.meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE casework.app_user (
            name text PRIMARY KEY,
            added_at text NOT NULL,
            added_by text NOT NULL,
            removed_at text);
        CREATE TABLE casework.user_team (
            user_name text NOT NULL REFERENCES casework.app_user(name),
            team text NOT NULL,
            PRIMARY KEY (user_name, team));
        CREATE TABLE casework.case_file (
            id text PRIMARY KEY,
            title text NOT NULL,
            child_name text NOT NULL,
            worker text NOT NULL,
            team text,
            opened text NOT NULL,
            closed text,
            retention_review_by text,
            last_activity text NOT NULL,
            last_activity_at double precision NOT NULL);
        CREATE INDEX case_file_worker ON casework.case_file(worker);
        CREATE INDEX case_file_team ON casework.case_file(team);
        CREATE TABLE casework.case_member (
            case_id text NOT NULL REFERENCES casework.case_file(id),
            user_name text NOT NULL,
            PRIMARY KEY (case_id, user_name));
        CREATE INDEX case_member_user ON casework.case_member(user_name);
        CREATE TABLE casework.record (
            case_id text NOT NULL REFERENCES casework.case_file(id),
            record_id text NOT NULL,
            kind text NOT NULL,
            position integer NOT NULL,
            version integer NOT NULL,
            body text NOT NULL,
            PRIMARY KEY (case_id, record_id));
        CREATE TABLE casework.record_version (
            case_id text NOT NULL,
            record_id text NOT NULL,
            version integer NOT NULL,
            kind text NOT NULL,
            body text NOT NULL,
            author text NOT NULL,
            at text NOT NULL,
            reason text,
            PRIMARY KEY (case_id, record_id, version),
            FOREIGN KEY (case_id, record_id) REFERENCES casework.record(case_id, record_id));
        CREATE TABLE casework.audit (
            seq bigint PRIMARY KEY,
            at text NOT NULL,
            user_name text NOT NULL,
            action text NOT NULL,
            case_id text,
            record_id text,
            version integer,
            digest text,
            prev_hash text NOT NULL,
            hash text NOT NULL);
        CREATE INDEX audit_case ON casework.audit(case_id, seq);
        CREATE TABLE casework.flag (
            case_id text NOT NULL REFERENCES casework.case_file(id),
            record_id text NOT NULL,
            rule text NOT NULL,
            severity text NOT NULL,
            severity_rank integer NOT NULL,
            field text,
            message text NOT NULL,
            source text NOT NULL,
            due_from text,
            raised_at text NOT NULL,
            since text NOT NULL,
            worker text NOT NULL,
            team text,
            status text NOT NULL CHECK (status IN ('open', 'accepted')),
            review_id text,
            returned_in text,
            PRIMARY KEY (case_id, rule, record_id));
        CREATE INDEX flag_queue ON casework.flag(status, severity_rank, since);
        CREATE INDEX flag_worker ON casework.flag(worker, status, severity_rank, since);
        CREATE INDEX flag_team ON casework.flag(team, status, severity_rank, since);
        CREATE INDEX flag_returned ON casework.flag(case_id) WHERE returned_in IS NOT NULL;
        CREATE TABLE casework.manual_flag (
            case_id text NOT NULL REFERENCES casework.case_file(id),
            record_id text NOT NULL,
            severity text NOT NULL,
            reason text NOT NULL,
            raised_by text NOT NULL,
            raised_at text NOT NULL,
            PRIMARY KEY (case_id, record_id));
        CREATE TABLE casework.tombstone (
            case_id text PRIMARY KEY,
            opened text NOT NULL,
            closed text,
            retention_review_by text,
            disposed_at text NOT NULL,
            disposed_by text NOT NULL,
            reason text NOT NULL);
        CREATE TABLE casework.draft (
            user_name text NOT NULL DEFAULT session_user,
            id text NOT NULL,
            case_id text,
            kind text NOT NULL,
            title text NOT NULL,
            payload text NOT NULL,
            updated_at text NOT NULL,
            PRIMARY KEY (user_name, id));

        -- Amend-only, even for the owner: versions and the audit trail never change.
        -- The one exception is a manager's audited disposal, through casework.dispose.
        CREATE FUNCTION casework.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_TABLE_NAME = 'record_version' AND TG_OP = 'DELETE'
             AND current_setting('casework.disposing', true) = OLD.case_id THEN
            RETURN OLD;
          END IF;
          RAISE EXCEPTION '% is amend-only', TG_TABLE_NAME USING ERRCODE = 'CW002';
        END $$;
        CREATE TRIGGER record_version_amend_only BEFORE UPDATE OR DELETE ON casework.record_version
            FOR EACH ROW EXECUTE FUNCTION casework.refuse_change();
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON casework.audit
            FOR EACH ROW EXECUTE FUNCTION casework.refuse_change();
        CREATE TRIGGER record_version_no_truncate BEFORE TRUNCATE ON casework.record_version
            FOR EACH STATEMENT EXECUTE FUNCTION casework.refuse_change();
        CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON casework.audit
            FOR EACH STATEMENT EXECUTE FUNCTION casework.refuse_change();

        -- Who is asking: from the session, never from the client.
        -- A user's casework role from the catalog (direct membership); NULL for none or no such role.
        CREATE FUNCTION casework.role_of(p_user text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT CASE
            WHEN EXISTS (SELECT 1 FROM pg_auth_members WHERE member = to_regrole(quote_ident(p_user)) AND roleid = to_regrole('casework_admin')) THEN 'admin'
            WHEN EXISTS (SELECT 1 FROM pg_auth_members WHERE member = to_regrole(quote_ident(p_user)) AND roleid = to_regrole('casework_manager')) THEN 'manager'
            WHEN EXISTS (SELECT 1 FROM pg_auth_members WHERE member = to_regrole(quote_ident(p_user)) AND roleid = to_regrole('casework_worker')) THEN 'worker'
          END $$;
        CREATE FUNCTION casework.my_role() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT CASE WHEN EXISTS (SELECT 1 FROM app_user WHERE name = session_user AND removed_at IS NULL)
                      THEN casework.role_of(session_user) END $$;
        CREATE FUNCTION casework.my_teams() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT coalesce(array_agg(team ORDER BY team), '{}') FROM user_team WHERE user_name = session_user $$;
        CREATE FUNCTION casework.member_cases() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT coalesce(array_agg(case_id), '{}') FROM case_member WHERE user_name = session_user $$;

        CREATE FUNCTION casework.require_user() RETURNS text LANGUAGE plpgsql STABLE
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.my_role();
        BEGIN
          IF r IS NULL THEN RAISE EXCEPTION '%', session_user USING ERRCODE = 'CW007'; END IF;
          RETURN r;
        END $$;

        CREATE FUNCTION casework.role_words(p_role text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
          SELECT CASE p_role WHEN 'admin' THEN 'an administrator' WHEN 'manager' THEN 'a manager' ELSE 'a ' || p_role END $$;

        CREATE FUNCTION casework.require_registered(p_user text) RETURNS void LANGUAGE plpgsql STABLE
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM app_user WHERE name = p_user AND removed_at IS NULL) THEN
            RAISE EXCEPTION '%', p_user USING ERRCODE = 'CW007';
          END IF;
        END $$;

        CREATE FUNCTION casework.require_role(wanted text[], what text) RETURNS text LANGUAGE plpgsql STABLE
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_user();
        BEGIN
          IF NOT r = ANY (wanted) THEN
            RAISE EXCEPTION 'only % can % (you are %)',
              (SELECT string_agg(casework.role_words(w), ' or ') FROM unnest(wanted) w), what, casework.role_words(r)
              USING ERRCODE = 'CW002';
          END IF;
          RETURN r;
        END $$;

        CREATE FUNCTION casework.now_text() RETURNS text LANGUAGE sql STABLE AS $$
          SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

        CREATE FUNCTION casework.digest(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
          SELECT encode(sha256(convert_to(body, 'UTF8')), 'hex') $$;

        -- One hash chain for the whole store, extended by the server. A transaction's
        -- events are staged as it runs and chained at COMMIT by a deferred trigger, under
        -- an advisory lock held only for the chaining and the commit, so saves by many
        -- people serialise on microseconds, not on each other's whole transactions.
        CREATE TABLE casework.audit_staged (
            n bigserial PRIMARY KEY,
            tx bigint NOT NULL,
            at text NOT NULL,
            user_name text NOT NULL,
            action text NOT NULL,
            case_id text,
            record_id text,
            version integer,
            digest text);
        CREATE INDEX audit_staged_tx ON casework.audit_staged(tx);

        CREATE FUNCTION casework.audit_append(p_action text, p_case text, p_record text, p_version integer, p_digest text)
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          INSERT INTO audit_staged (tx, at, user_name, action, case_id, record_id, version, digest)
          VALUES (txid_current(), to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  session_user, p_action, p_case, p_record, p_version, p_digest);
        END $$;

        CREATE FUNCTION casework.chain_staged() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE e record; last_seq bigint; last_hash text; h text;
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM audit_staged WHERE tx = txid_current()) THEN RETURN NULL; END IF;
          PERFORM pg_advisory_xact_lock(7262001);
          SELECT seq, hash INTO last_seq, last_hash FROM audit ORDER BY seq DESC LIMIT 1;
          last_seq := coalesce(last_seq, 0);
          last_hash := coalesce(last_hash, repeat('0', 64));
          FOR e IN SELECT * FROM audit_staged WHERE tx = txid_current() ORDER BY n LOOP
            last_seq := last_seq + 1;
            h := encode(sha256(convert_to(concat_ws(chr(31), last_seq::text, e.at, e.user_name, e.action,
                     coalesce(e.case_id, ''), coalesce(e.record_id, ''), coalesce(e.version::text, ''),
                     coalesce(e.digest, ''), last_hash), 'UTF8')), 'hex');
            INSERT INTO audit (seq, at, user_name, action, case_id, record_id, version, digest, prev_hash, hash)
            VALUES (last_seq, e.at, e.user_name, e.action, e.case_id, e.record_id, e.version, e.digest, last_hash, h);
            last_hash := h;
          END LOOP;
          DELETE FROM audit_staged WHERE tx = txid_current();
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER audit_chain AFTER INSERT ON casework.audit_staged
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION casework.chain_staged();

        -- Whether the session user may see a case (by its row).
        CREATE FUNCTION casework.can_see(p_case text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT EXISTS (SELECT 1 FROM case_file c WHERE c.id = p_case AND \(visible(worker: "c.worker", team: "c.team", caseId: "c.id"))) $$;

        -- Whether the session user may own or hand a case to (worker, team).
        CREATE FUNCTION casework.may_own(p_worker text, p_team text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT coalesce(\(visible(worker: "p_worker", team: "p_team", caseId: "NULL::text")), false) $$;

        CREATE FUNCTION casework.require_visible(p_case text) RETURNS void LANGUAGE plpgsql STABLE
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_user();
          IF NOT casework.can_see(p_case) THEN RAISE EXCEPTION '%', p_case USING ERRCODE = 'CW001'; END IF;
        END $$;

        -- The case's summary row from its header record.
        CREATE FUNCTION casework.put_summary(p_case text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE h jsonb;
        BEGIN
          SELECT body::jsonb INTO h FROM record WHERE case_id = p_case AND kind = 'case';
          IF h IS NULL OR h->>'id' IS DISTINCT FROM p_case THEN
            RAISE EXCEPTION 'case % has no header of its own', p_case USING ERRCODE = 'CW003';
          END IF;
          INSERT INTO case_file (id, title, child_name, worker, team, opened, closed, retention_review_by, last_activity, last_activity_at)
          VALUES (p_case, h->>'title', h->'child'->>'name', h->>'worker', h->>'team', h->>'opened', h->>'closed',
                  h->>'retentionReviewBy', casework.now_text(), extract(epoch FROM now()))
          ON CONFLICT (id) DO UPDATE SET title = excluded.title, child_name = excluded.child_name,
              worker = excluded.worker, team = excluded.team, opened = excluded.opened, closed = excluded.closed,
              retention_review_by = excluded.retention_review_by,
              last_activity = excluded.last_activity, last_activity_at = excluded.last_activity_at;
        END $$;

        -- A case's records, in order.
        CREATE FUNCTION casework.records_of(p_case text) RETURNS TABLE (kind text, body text, version integer) LANGUAGE sql STABLE
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT kind, body, version FROM record WHERE case_id = p_case ORDER BY position $$;

        -- Writes one record: a new one (version 1) or the next version of an existing one.
        -- Returns the version written, or 0 when the body is unchanged.
        CREATE FUNCTION casework.put_record(p_case text, p_id text, p_kind text, p_body text, p_reason text, p_new boolean)
            RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE cur record; v integer; pos integer;
        BEGIN
          SELECT kind, version, body INTO cur FROM record WHERE case_id = p_case AND record_id = p_id;
          IF p_new THEN
            IF FOUND THEN RAISE EXCEPTION '%', p_case || chr(31) || p_id USING ERRCODE = 'CW005'; END IF;
            SELECT coalesce(max(position) + 1, 0) INTO pos FROM record WHERE case_id = p_case;
            INSERT INTO record (case_id, record_id, kind, position, version, body) VALUES (p_case, p_id, p_kind, pos, 1, p_body);
            v := 1;
          ELSE
            IF NOT FOUND THEN RAISE EXCEPTION '%', p_case || chr(31) || p_id USING ERRCODE = 'CW004'; END IF;
            IF cur.kind <> p_kind THEN
              RAISE EXCEPTION 'record % in case % is a %, not a %', p_id, p_case, cur.kind, p_kind USING ERRCODE = 'CW003';
            END IF;
            IF cur.body = p_body THEN RETURN 0; END IF;
            v := cur.version + 1;
            UPDATE record SET version = v, body = p_body WHERE case_id = p_case AND record_id = p_id;
          END IF;
          INSERT INTO record_version (case_id, record_id, version, kind, body, author, at, reason)
          VALUES (p_case, p_id, v, p_kind, p_body, session_user, casework.now_text(), p_reason);
          PERFORM casework.audit_append(CASE WHEN v = 1 THEN 'create' ELSE 'amend' END, p_case, p_id, v, casework.digest(p_body));
          RETURN v;
        END $$;

        -- Brings in a whole case (mode 'create' or 'import'), or amends one from a file ('replace').
        -- p_records: [{"id", "kind", "body"}] in order, the header first.
        -- Returns {"records": [[kind, body], ...], "amended": n, "added": n}.
        CREATE FUNCTION casework.put_case(p_case text, p_records jsonb, p_mode text)
            RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE
          r text := casework.require_user();
          h jsonb; rec jsonb; exists_ boolean; stored text; amended integer := 0; added integer := 0;
        BEGIN
          SELECT e INTO rec FROM jsonb_array_elements(p_records) e WHERE e->>'kind' = 'case' LIMIT 1;
          h := (rec->>'body')::jsonb;
          IF h IS NULL OR h->>'id' IS DISTINCT FROM p_case THEN
            RAISE EXCEPTION 'case % has no header of its own', p_case USING ERRCODE = 'CW003';
          END IF;
          IF NOT casework.may_own(h->>'worker', h->>'team') THEN
            RAISE EXCEPTION 'you cannot bring in case %: it belongs to %, outside what you can see', p_case, h->>'worker'
              USING ERRCODE = 'CW002';
          END IF;
          PERFORM 1 FROM case_file WHERE id = p_case FOR UPDATE;
          exists_ := FOUND;
          IF p_mode = 'replace' THEN
            IF NOT exists_ OR NOT casework.can_see(p_case) THEN RAISE EXCEPTION '%', p_case USING ERRCODE = 'CW001'; END IF;
            SELECT min(x.record_id) INTO stored FROM record x WHERE x.case_id = p_case
              AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_records) e WHERE e->>'id' = x.record_id);
            IF stored IS NOT NULL THEN
              RAISE EXCEPTION 'replacing case % would remove record %; records are amend-only, so the file must keep every record',
                p_case, stored USING ERRCODE = 'CW003';
            END IF;
            PERFORM casework.audit_append('replace', p_case, NULL, NULL, NULL);
          ELSE
            IF exists_ THEN RAISE EXCEPTION '%', p_case USING ERRCODE = 'CW006'; END IF;
            INSERT INTO case_file (id, title, child_name, worker, team, opened, closed, last_activity, last_activity_at)
            VALUES (p_case, '', '', h->>'worker', h->>'team', '', NULL, '', 0);
            PERFORM casework.audit_append(p_mode, p_case, NULL, NULL, NULL);
          END IF;
          FOR rec IN SELECT * FROM jsonb_array_elements(p_records) LOOP
            SELECT x.body INTO stored FROM record x WHERE x.case_id = p_case AND x.record_id = rec->>'id';
            IF rec->>'kind' = 'review' AND r <> 'manager' AND (stored IS NULL OR stored <> rec->>'body') THEN
              RAISE EXCEPTION 'only a manager can bring in reviews (case % has reviews this store does not hold)', p_case
                USING ERRCODE = 'CW002';
            END IF;
            IF stored IS NULL THEN
              PERFORM casework.put_record(p_case, rec->>'id', rec->>'kind', rec->>'body', NULL, true);
              added := added + 1;
            ELSIF casework.put_record(p_case, rec->>'id', rec->>'kind', rec->>'body', 'replaced from a case file', false) > 0 THEN
              amended := amended + 1;
            END IF;
          END LOOP;
          PERFORM casework.put_summary(p_case);
          RETURN jsonb_build_object('amended', amended, 'added', added,
            'records', (SELECT jsonb_agg(jsonb_build_array(x.kind, x.body) ORDER BY x.position) FROM record x WHERE x.case_id = p_case));
        END $$;

        -- Adds and amends records of one case: [{"op": "add"|"amend", "id", "kind", "body", "reason"}].
        -- Returns the case's records after the change.
        CREATE FUNCTION casework.save_records(p_case text, p_changes jsonb)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE c jsonb; h jsonb; v integer;
        BEGIN
          PERFORM casework.require_visible(p_case);
          PERFORM 1 FROM case_file WHERE id = p_case FOR UPDATE;
          FOR c IN SELECT * FROM jsonb_array_elements(p_changes) LOOP
            IF c->>'kind' = 'review' THEN
              RAISE EXCEPTION 'reviews are recorded by review actions (`casework review ...`), not written directly' USING ERRCODE = 'CW002';
            END IF;
            IF c->>'kind' = 'case' THEN
              IF c->>'op' = 'add' THEN RAISE EXCEPTION 'a case has one header; amend it instead' USING ERRCODE = 'CW003'; END IF;
              h := (c->>'body')::jsonb;
              IF h->>'id' IS DISTINCT FROM p_case OR c->>'id' IS DISTINCT FROM p_case THEN
                RAISE EXCEPTION 'a case''s id cannot be changed' USING ERRCODE = 'CW003';
              END IF;
              IF EXISTS (SELECT 1 FROM case_file WHERE id = p_case
                         AND (worker IS DISTINCT FROM h->>'worker' OR team IS DISTINCT FROM h->>'team')) THEN
                PERFORM casework.require_role(ARRAY['manager'], 'hand case ' || p_case || ' to another worker or team');
              END IF;
              IF NOT casework.may_own(h->>'worker', h->>'team') THEN
                RAISE EXCEPTION 'you cannot hand case % to % outside the cases you can see', p_case, h->>'worker' USING ERRCODE = 'CW002';
              END IF;
            END IF;
            IF c->>'op' = 'amend' AND coalesce(btrim(c->>'reason'), '') = '' THEN
              RAISE EXCEPTION 'an amendment needs a reason' USING ERRCODE = 'CW003';
            END IF;
            v := casework.put_record(p_case, c->>'id', c->>'kind', c->>'body', c->>'reason', c->>'op' = 'add');
            IF v = 0 THEN
              RAISE EXCEPTION 'record % in case % is unchanged; nothing to amend', c->>'id', p_case USING ERRCODE = 'CW003';
            END IF;
          END LOOP;
          PERFORM casework.put_summary(p_case);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;

        -- A manager's review, recorded as a record of the case.
        CREATE FUNCTION casework.add_review(p_case text, p_id text, p_body text)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          PERFORM casework.require_role(ARRAY['manager'], 'review a case');
          PERFORM 1 FROM case_file WHERE id = p_case FOR UPDATE;
          PERFORM casework.put_record(p_case, p_id, 'review', p_body, NULL, true);
          PERFORM casework.audit_append('review', p_case, p_id, 1, casework.digest(p_body));
          PERFORM casework.put_summary(p_case);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;

        CREATE FUNCTION casework.highest_case_number() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT coalesce(max(substr(id, 3)::integer), 0) FROM case_file WHERE id ~ '^C-[0-9]{1,9}$' $$;

        -- Reading a case's content is always recorded: 'view', 'export' or 'history'.
        CREATE FUNCTION casework.read_case(p_case text, p_purpose text)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF p_purpose NOT IN ('view', 'export') THEN RAISE EXCEPTION 'unknown purpose' USING ERRCODE = 'CW003'; END IF;
          PERFORM casework.require_visible(p_case);
          PERFORM casework.audit_append(p_purpose, p_case, NULL, NULL, NULL);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;

        CREATE FUNCTION casework.read_history(p_case text, p_record text)
            RETURNS TABLE (version integer, kind text, body text, author text, at text, reason text) LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          PERFORM casework.audit_append('history', p_case, p_record, NULL, NULL);
          RETURN QUERY SELECT v.version, v.kind, v.body, v.author, v.at, v.reason FROM record_version v
            WHERE v.case_id = p_case AND v.record_id = p_record ORDER BY v.version;
        END $$;

        -- Every visible case's records at once, for a flag recompute, a report or a check:
        -- one audit event names the purpose and how many cases were read.
        CREATE FUNCTION casework.read_cases(p_cases text[], p_purpose text)
            RETURNS TABLE (case_id text, kind text, body text) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_user(); n integer;
        BEGIN
          IF p_purpose = 'check' THEN
            PERFORM casework.require_role(ARRAY['admin', 'manager'], 'check the store');
          ELSIF p_purpose IN ('recompute', 'report') THEN
            PERFORM casework.require_role(ARRAY['manager'], 'read every case for a ' || p_purpose);
          ELSE
            RAISE EXCEPTION 'unknown purpose' USING ERRCODE = 'CW003';
          END IF;
          n := cardinality(p_cases);
          PERFORM casework.audit_append(p_purpose, NULL, n::text, NULL, NULL);
          RETURN QUERY SELECT x.case_id, x.kind, x.body FROM record x
            WHERE x.case_id = ANY (p_cases)
              AND (r = 'admin' OR x.case_id IN (SELECT c.id FROM case_file c
                   WHERE c.id = ANY (p_cases) AND \(visible(worker: "c.worker", team: "c.team", caseId: "c.id"))))
            ORDER BY x.case_id, x.position;
        END $$;

        -- Replaces a case's flags (computed by the client in the same transaction),
        -- keeping when each was first raised. Audited when they change; `casework check`
        -- recomputes them all, so a forged flag is found, not trusted.
        -- p_flags: [{"recordId","rule","severity","rank","field","message","source","dueFrom","status","reviewId","returnedIn"}]
        CREATE FUNCTION casework.store_flags(p_case text, p_flags jsonb) RETURNS boolean LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE cf record; same boolean; raised jsonb; t text := casework.now_text();
        BEGIN
          PERFORM casework.require_visible(p_case);
          SELECT worker, team INTO cf FROM case_file WHERE id = p_case;
          SELECT (SELECT count(*) FROM flag WHERE case_id = p_case) = jsonb_array_length(p_flags)
             AND NOT EXISTS (
               SELECT 1 FROM jsonb_array_elements(p_flags) f
               WHERE NOT EXISTS (
                 SELECT 1 FROM flag g WHERE g.case_id = p_case AND g.rule = f->>'rule' AND g.record_id = f->>'recordId'
                   AND g.severity = f->>'severity' AND g.field IS NOT DISTINCT FROM f->>'field'
                   AND g.message = f->>'message' AND g.source = f->>'source'
                   AND g.due_from IS NOT DISTINCT FROM f->>'dueFrom' AND g.worker = cf.worker
                   AND g.team IS NOT DISTINCT FROM cf.team AND g.status = f->>'status'
                   AND g.review_id IS NOT DISTINCT FROM f->>'reviewId' AND g.returned_in IS NOT DISTINCT FROM f->>'returnedIn'))
            INTO same;
          IF same THEN RETURN false; END IF;
          SELECT coalesce(jsonb_object_agg(rule || chr(31) || record_id, raised_at), '{}') INTO raised FROM flag WHERE case_id = p_case;
          DELETE FROM flag WHERE case_id = p_case;
          INSERT INTO flag (case_id, record_id, rule, severity, severity_rank, field, message, source, due_from,
                            raised_at, since, worker, team, status, review_id, returned_in)
          SELECT p_case, f->>'recordId', f->>'rule', f->>'severity', (f->>'rank')::integer, f->>'field', f->>'message',
                 f->>'source', f->>'dueFrom', o.at,
                 CASE WHEN f->>'dueFrom' IS NOT NULL AND (f->>'dueFrom') || 'T00:00:00Z' > o.at
                      THEN (f->>'dueFrom') || 'T00:00:00Z' ELSE o.at END,
                 cf.worker, cf.team, f->>'status', f->>'reviewId', f->>'returnedIn'
          FROM jsonb_array_elements(p_flags) f
          CROSS JOIN LATERAL (SELECT coalesce(raised->>((f->>'rule') || chr(31) || (f->>'recordId')), t) AS at) o;
          PERFORM casework.audit_append('flags', p_case, NULL, jsonb_array_length(p_flags), NULL);
          RETURN true;
        END $$;

        CREATE FUNCTION casework.raise_flag(p_case text, p_record text, p_severity text, p_reason text)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          IF p_severity NOT IN ('missing', 'check', 'advice') THEN RAISE EXCEPTION 'unknown severity' USING ERRCODE = 'CW003'; END IF;
          IF coalesce(btrim(p_reason), '') = '' THEN RAISE EXCEPTION 'a flag raised by hand needs a reason' USING ERRCODE = 'CW003'; END IF;
          IF NOT EXISTS (SELECT 1 FROM record WHERE case_id = p_case AND record_id = p_record) THEN
            RAISE EXCEPTION '%', p_case || chr(31) || p_record USING ERRCODE = 'CW004';
          END IF;
          INSERT INTO manual_flag (case_id, record_id, severity, reason, raised_by, raised_at)
          VALUES (p_case, p_record, p_severity, p_reason, session_user, casework.now_text())
          ON CONFLICT (case_id, record_id) DO UPDATE SET severity = excluded.severity, reason = excluded.reason,
              raised_by = excluded.raised_by, raised_at = excluded.raised_at;
          PERFORM casework.audit_append('flag-raise', p_case, p_record, NULL, NULL);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;

        CREATE FUNCTION casework.add_member(p_case text, p_user text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['manager'], 'add someone to a case');
          PERFORM casework.require_visible(p_case);
          PERFORM casework.require_registered(p_user);
          INSERT INTO case_member (case_id, user_name) VALUES (p_case, p_user) ON CONFLICT DO NOTHING;
          PERFORM casework.audit_append('member-add', p_case, p_user, NULL, NULL);
        END $$;

        -- The one audited exception to amend-only: a manager disposes of a closed case.
        CREATE FUNCTION casework.dispose(p_case text, p_reason text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE cf record;
        BEGIN
          PERFORM casework.require_role(ARRAY['manager'], 'dispose of a case');
          PERFORM casework.require_visible(p_case);
          IF coalesce(btrim(p_reason), '') = '' THEN RAISE EXCEPTION 'disposal needs a reason' USING ERRCODE = 'CW003'; END IF;
          SELECT * INTO cf FROM case_file WHERE id = p_case FOR UPDATE;
          IF cf.closed IS NULL THEN
            RAISE EXCEPTION 'case % is open; only a closed case can be disposed of', p_case USING ERRCODE = 'CW003';
          END IF;
          INSERT INTO tombstone (case_id, opened, closed, retention_review_by, disposed_at, disposed_by, reason)
          VALUES (p_case, cf.opened, cf.closed, cf.retention_review_by, casework.now_text(), session_user, p_reason);
          PERFORM set_config('casework.disposing', p_case, true);
          DELETE FROM record_version WHERE case_id = p_case;
          PERFORM set_config('casework.disposing', '', true);
          DELETE FROM flag WHERE case_id = p_case;
          DELETE FROM manual_flag WHERE case_id = p_case;
          DELETE FROM case_member WHERE case_id = p_case;
          DELETE FROM record WHERE case_id = p_case;
          DELETE FROM draft WHERE case_id = p_case;
          DELETE FROM case_file WHERE id = p_case;
          PERFORM casework.audit_append('dispose', p_case, NULL, NULL, NULL);
        END $$;

        CREATE FUNCTION casework.set_policy(p_policy text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['manager', 'admin'], 'set the organisation''s policy');
          INSERT INTO meta (key, value) VALUES ('policy', p_policy) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
          PERFORM casework.audit_append('policy-set', NULL, NULL, NULL, casework.digest(p_policy));
        END $$;

        -- The version digests, computed by the server, for `casework check` to hold against the audit trail.
        CREATE FUNCTION casework.version_digests() RETURNS TABLE (case_id text, record_id text, version integer, digest text)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['admin', 'manager'], 'check the store');
          RETURN QUERY SELECT v.case_id, v.record_id, v.version, casework.digest(v.body) FROM record_version v;
        END $$;

        -- What `casework check` compares: the stored flags and hand-raised flags of every case
        -- the caller may check (an administrator: all).
        CREATE FUNCTION casework.flags_for_check() RETURNS TABLE (case_id text, record_id text, rule text, severity text,
            field text, message text, source text, due_from text, status text, review_id text, returned_in text,
            worker text, team text) LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_role(ARRAY['admin', 'manager'], 'check the store');
        BEGIN
          RETURN QUERY SELECT f.case_id, f.record_id, f.rule, f.severity, f.field, f.message, f.source, f.due_from, f.status,
                              f.review_id, f.returned_in, f.worker, f.team FROM flag f
            WHERE r = 'admin' OR \(visible(worker: "f.worker", team: "f.team", caseId: "f.case_id"));
        END $$;
        CREATE FUNCTION casework.case_ids_for_check() RETURNS TABLE (id text) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_role(ARRAY['admin', 'manager'], 'check the store');
        BEGIN
          RETURN QUERY SELECT c.id FROM case_file c
            WHERE r = 'admin' OR \(visible(worker: "c.worker", team: "c.team", caseId: "c.id")) ORDER BY c.id;
        END $$;
        CREATE FUNCTION casework.manual_flags(p_cases text[]) RETURNS TABLE (case_id text, record_id text, severity text,
            reason text, raised_by text, raised_at text) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_user();
        BEGIN
          RETURN QUERY SELECT m.case_id, m.record_id, m.severity, m.reason, m.raised_by, m.raised_at FROM manual_flag m
            WHERE m.case_id = ANY (p_cases)
              AND (r = 'admin' OR m.case_id IN (SELECT c.id FROM case_file c
                   WHERE c.id = ANY (p_cases) AND \(visible(worker: "c.worker", team: "c.team", caseId: "c.id"))));
        END $$;

        -- People: roles are database roles, changed by the administrator only.
        CREATE FUNCTION casework.grant_role(p_user text, p_role text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE g text;
        BEGIN
          IF p_role NOT IN ('worker', 'manager', 'admin') THEN RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = 'CW003'; END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_user) THEN
            BEGIN
              EXECUTE format('CREATE ROLE %I LOGIN', p_user);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- made at this moment by another store
            END;
          ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_user AND (rolsuper OR rolname LIKE 'casework\\_%')) THEN
            RAISE EXCEPTION '% is a database role that cannot be a casework user', p_user USING ERRCODE = 'CW003';
          END IF;
          FOREACH g IN ARRAY ARRAY['worker', 'manager', 'admin'] LOOP
            IF g = p_role THEN
              BEGIN
                EXECUTE format('GRANT %I TO %I', 'casework_' || g, p_user);
              EXCEPTION WHEN unique_violation THEN NULL;
              END;
            ELSIF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.roleid JOIN pg_roles b ON b.oid = m.member
                          WHERE a.rolname = 'casework_' || g AND b.rolname = p_user) THEN
              EXECUTE format('REVOKE %I FROM %I', 'casework_' || g, p_user);
            END IF;
          END LOOP;
        END $$;

        CREATE FUNCTION casework.add_user(p_user text, p_role text, p_teams text[]) RETURNS void LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['admin'], 'add users');
          IF EXISTS (SELECT 1 FROM app_user WHERE name = p_user AND removed_at IS NULL) THEN
            RAISE EXCEPTION 'user % already exists', p_user USING ERRCODE = 'CW003';
          END IF;
          PERFORM casework.grant_role(p_user, p_role);
          INSERT INTO app_user (name, added_at, added_by) VALUES (p_user, casework.now_text(), session_user)
          ON CONFLICT (name) DO UPDATE SET removed_at = NULL, added_at = excluded.added_at, added_by = excluded.added_by;
          DELETE FROM user_team WHERE user_name = p_user;
          INSERT INTO user_team (user_name, team) SELECT DISTINCT p_user, t FROM unnest(p_teams) t;
          PERFORM casework.audit_append('user-add', NULL, p_user, NULL, NULL);
        END $$;

        CREATE FUNCTION casework.set_user_role(p_user text, p_role text) RETURNS void LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['admin'], 'change roles');
          PERFORM casework.require_registered(p_user);
          IF p_user = session_user AND p_role <> 'admin' AND NOT EXISTS (
              SELECT 1 FROM app_user u WHERE u.name <> p_user AND u.removed_at IS NULL AND casework.role_of(u.name) = 'admin') THEN
            RAISE EXCEPTION 'you are the last administrator; make someone else one first' USING ERRCODE = 'CW003';
          END IF;
          PERFORM casework.grant_role(p_user, p_role);
          PERFORM casework.audit_append('user-role', NULL, p_user, NULL, casework.digest(p_role));
        END $$;

        CREATE FUNCTION casework.set_user_teams(p_user text, p_teams text[]) RETURNS void LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['admin'], 'change teams');
          PERFORM casework.require_registered(p_user);
          DELETE FROM user_team WHERE user_name = p_user;
          INSERT INTO user_team (user_name, team) SELECT DISTINCT p_user, t FROM unnest(p_teams) t;
          PERFORM casework.audit_append('user-teams', NULL, p_user, NULL, casework.digest(array_to_string(p_teams, chr(31))));
        END $$;

        CREATE FUNCTION casework.remove_user(p_user text) RETURNS void LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE g text;
        BEGIN
          PERFORM casework.require_role(ARRAY['admin'], 'remove users');
          IF p_user = session_user THEN RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = 'CW003'; END IF;
          PERFORM casework.require_registered(p_user);
          UPDATE app_user SET removed_at = casework.now_text() WHERE name = p_user;
          DELETE FROM user_team WHERE user_name = p_user;
          FOREACH g IN ARRAY ARRAY['casework_worker', 'casework_manager', 'casework_admin'] LOOP
            IF casework.role_of(p_user) = substr(g, 10) THEN EXECUTE format('REVOKE %I FROM %I', g, p_user); END IF;
          END LOOP;
          BEGIN
            EXECUTE format('DROP ROLE %I', p_user);
          EXCEPTION WHEN OTHERS THEN
            NULL; -- the role has other uses in this cluster; it keeps them, and loses Casework.
          END;
          PERFORM casework.audit_append('user-remove', NULL, p_user, NULL, NULL);
        END $$;

        -- What each casework role may touch directly: read through row-level security; write only drafts.
        REVOKE ALL ON ALL TABLES IN SCHEMA casework FROM PUBLIC;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA casework FROM PUBLIC;
        GRANT USAGE ON SCHEMA casework TO casework_user;
        GRANT SELECT ON casework.schema_migration, casework.meta, casework.app_user, casework.user_team,
            casework.case_file, casework.case_member, casework.record, casework.flag, casework.manual_flag TO casework_user;
        GRANT SELECT ON casework.audit, casework.audit_staged, casework.tombstone TO casework_manager, casework_admin;
        GRANT SELECT, INSERT, UPDATE, DELETE ON casework.draft TO casework_user;
        GRANT EXECUTE ON FUNCTION casework.my_role(), casework.role_of(text), casework.my_teams(), casework.member_cases(), casework.can_see(text),
            casework.put_case(text, jsonb, text), casework.save_records(text, jsonb), casework.add_review(text, text, text),
            casework.read_case(text, text), casework.read_history(text, text), casework.read_cases(text[], text),
            casework.store_flags(text, jsonb), casework.raise_flag(text, text, text, text), casework.add_member(text, text),
            casework.dispose(text, text), casework.set_policy(text),
            casework.version_digests(), casework.highest_case_number(), casework.flags_for_check(), casework.case_ids_for_check(), casework.manual_flags(text[]), casework.add_user(text, text, text[]), casework.set_user_role(text, text),
            casework.set_user_teams(text, text[]), casework.remove_user(text), casework.digest(text), casework.now_text()
            TO casework_user;

        ALTER TABLE casework.case_file ENABLE ROW LEVEL SECURITY;
        CREATE POLICY see ON casework.case_file FOR SELECT USING \(visible(worker: "worker", team: "team", caseId: "id"));
        ALTER TABLE casework.flag ENABLE ROW LEVEL SECURITY;
        CREATE POLICY see ON casework.flag FOR SELECT USING \(visible(worker: "worker", team: "team", caseId: "case_id"));
        ALTER TABLE casework.case_member ENABLE ROW LEVEL SECURITY;
        CREATE POLICY see ON casework.case_member FOR SELECT USING (user_name = session_user::text OR casework.can_see(case_id));
        ALTER TABLE casework.manual_flag ENABLE ROW LEVEL SECURITY;
        CREATE POLICY see ON casework.manual_flag FOR SELECT USING (casework.can_see(case_id));
        -- Record text is read through casework.read_case, which audits the reading; reviews
        -- (the manager's note on a returned item) are readable beside the flags they return.
        ALTER TABLE casework.record ENABLE ROW LEVEL SECURITY;
        CREATE POLICY see ON casework.record FOR SELECT USING (kind = 'review' AND casework.can_see(case_id));
        ALTER TABLE casework.draft ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own ON casework.draft USING (user_name = session_user::text) WITH CHECK (user_name = session_user::text);
        """

    /// Flags raised by hand are their author's own rows: a worker's raise on a
    /// record a manager flagged adds beside it, never replaces it. A failed
    /// verification of the audit trail is remembered (an alarm) until a
    /// manager records an incident note, whose breaks verification then passes over.
    /// A draft past the policy's keeping period is offered once more, then removed.
    static let v2 = """
        -- What the flags are computed from besides the policy override: set at setup and
        -- migration from the installed Casework, and changed only by a manager, audited.
        CREATE FUNCTION casework.set_flag_basis(p_basis text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['manager'], 'change what the store''s flags are computed from');
          INSERT INTO meta (key, value) VALUES ('flagBasis', p_basis) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
          PERFORM casework.audit_append('basis-adopt', NULL, NULL, NULL, NULL);
        END $$;
        REVOKE ALL ON FUNCTION casework.set_flag_basis(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.set_flag_basis(text) TO casework_user;
        -- New case ids are random: the highest number would tell anyone how many cases exist.
        DROP FUNCTION casework.highest_case_number();
        ALTER TABLE casework.draft ADD COLUMN last_offered_at text;
        CREATE TABLE casework.audit_alarm (
            n bigserial PRIMARY KEY,
            raised_at text NOT NULL,
            raised_by text NOT NULL,
            problem text NOT NULL,
            answered_by bigint);
        CREATE TABLE casework.audit_incident (
            event bigint PRIMARY KEY,
            at text NOT NULL,
            user_name text NOT NULL,
            note text NOT NULL,
            breaks bigint[] NOT NULL);
        GRANT SELECT ON casework.audit_alarm TO casework_user;
        GRANT SELECT ON casework.audit_incident TO casework_manager, casework_admin;

        -- Whoever verifies the trail and finds it broken says so; the first unanswered alarm stands.
        CREATE FUNCTION casework.raise_audit_alarm(p_problem text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['manager', 'admin'], 'verify the audit trail');
          IF EXISTS (SELECT 1 FROM audit_alarm WHERE answered_by IS NULL) THEN RETURN; END IF;
          INSERT INTO audit_alarm (raised_at, raised_by, problem) VALUES (casework.now_text(), session_user, left(p_problem, 500));
          PERFORM casework.audit_append('audit-alarm', NULL, NULL, NULL, NULL);
        END $$;

        CREATE FUNCTION casework.record_incident(p_note text, p_breaks bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_role(ARRAY['manager'], 'record an incident note');
          IF coalesce(btrim(p_note), '') = '' THEN
            RAISE EXCEPTION 'an incident note needs the note: what was found and what was done' USING ERRCODE = 'CW003';
          END IF;
          PERFORM casework.audit_append('incident', NULL, NULL, NULL, NULL);
          PERFORM set_config('casework.incident_note', p_note, true);
          PERFORM set_config('casework.incident_breaks', coalesce(p_breaks, '{}')::text, true);
        END $$;

        -- The note is kept with the event that records it, once the chain gives it a number.
        CREATE FUNCTION casework.keep_incident() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF NEW.action = 'incident' AND coalesce(current_setting('casework.incident_note', true), '') <> '' THEN
            INSERT INTO audit_incident (event, at, user_name, note, breaks)
            VALUES (NEW.seq, NEW.at, NEW.user_name, current_setting('casework.incident_note'),
                    current_setting('casework.incident_breaks')::bigint[]);
            UPDATE audit_alarm SET answered_by = NEW.seq WHERE answered_by IS NULL;
            PERFORM set_config('casework.incident_note', '', true);
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER keep_incident AFTER INSERT ON casework.audit FOR EACH ROW EXECUTE FUNCTION casework.keep_incident();
        REVOKE ALL ON FUNCTION casework.raise_audit_alarm(text), casework.record_incident(text, bigint[]), casework.keep_incident() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.raise_audit_alarm(text), casework.record_incident(text, bigint[]) TO casework_user;

        ALTER TABLE casework.manual_flag DROP CONSTRAINT manual_flag_pkey;
        ALTER TABLE casework.manual_flag ADD PRIMARY KEY (case_id, record_id, raised_by);
        CREATE OR REPLACE FUNCTION casework.raise_flag(p_case text, p_record text, p_severity text, p_reason text)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          IF p_severity NOT IN ('missing', 'check', 'advice') THEN RAISE EXCEPTION 'unknown severity' USING ERRCODE = 'CW003'; END IF;
          IF coalesce(btrim(p_reason), '') = '' THEN RAISE EXCEPTION 'a flag raised by hand needs a reason' USING ERRCODE = 'CW003'; END IF;
          IF NOT EXISTS (SELECT 1 FROM record WHERE case_id = p_case AND record_id = p_record) THEN
            RAISE EXCEPTION '%', p_case || chr(31) || p_record USING ERRCODE = 'CW004';
          END IF;
          INSERT INTO manual_flag (case_id, record_id, severity, reason, raised_by, raised_at)
          VALUES (p_case, p_record, p_severity, p_reason, session_user, casework.now_text())
          ON CONFLICT (case_id, record_id, raised_by) DO UPDATE SET severity = excluded.severity, reason = excluded.reason,
              raised_at = excluded.raised_at;
          PERFORM casework.audit_append('flag-raise', p_case, p_record, NULL, NULL);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;
        """

    /// Who has seen a case (issue 15): its audit events, for anyone who may see the case; the reading is recorded.
    static let v3 = """
        CREATE FUNCTION casework.case_access(p_case text)
            RETURNS TABLE (seq bigint, at text, user_name text, action text, record_id text, version integer)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          PERFORM casework.audit_append('access-log', p_case, NULL, NULL, NULL);
          RETURN QUERY SELECT a.seq, a.at, a.user_name, a.action, a.record_id, a.version FROM audit a
            WHERE a.case_id = p_case ORDER BY a.seq;
        END $$;
        REVOKE ALL ON FUNCTION casework.case_access(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.case_access(text) TO casework_user;
        """

    /// A returned item read (issue 15): recorded once, in the audit trail, when the practitioner it was
    /// returned to opens it; when, readable beside the flag by anyone who may see the case. Which
    /// records changed since the session user last reviewed a case. Each committed write announced
    /// on the channel `casework_changed`, for open workbooks to follow.
    static let v4 = """
        CREATE FUNCTION casework.mark_returned_read(p_case text, p_review text) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_visible(p_case);
          IF (SELECT worker FROM case_file WHERE id = p_case) IS DISTINCT FROM session_user::text
             OR NOT EXISTS (SELECT 1 FROM flag WHERE case_id = p_case AND returned_in = p_review)
             OR EXISTS (SELECT 1 FROM audit WHERE case_id = p_case AND action = 'returned-read' AND record_id = p_review)
             OR EXISTS (SELECT 1 FROM audit_staged WHERE tx = txid_current() AND case_id = p_case
                        AND action = 'returned-read' AND record_id = p_review) THEN
            RETURN;
          END IF;
          PERFORM casework.audit_append('returned-read', p_case, p_review, NULL, NULL);
        END $$;
        CREATE FUNCTION casework.returned_read_at(p_case text, p_review text) RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT min(a.at) FROM audit a WHERE casework.can_see(p_case) AND a.case_id = p_case
            AND a.action = 'returned-read' AND a.record_id = p_review $$;
        -- Every committed change of cases, records or flags is announced, so open workbooks follow it (issue 15, item 10).
        CREATE FUNCTION casework.announce_change() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM pg_notify('casework_changed', '');
          RETURN NULL;
        END $$;
        CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON casework.case_file
            FOR EACH STATEMENT EXECUTE FUNCTION casework.announce_change();
        CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON casework.record
            FOR EACH STATEMENT EXECUTE FUNCTION casework.announce_change();
        CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON casework.flag
            FOR EACH STATEMENT EXECUTE FUNCTION casework.announce_change();
        CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON casework.manual_flag
            FOR EACH STATEMENT EXECUTE FUNCTION casework.announce_change();
        REVOKE ALL ON FUNCTION casework.announce_change() FROM PUBLIC;

        -- What changed in each of these cases since the session user's latest review of it (issue 15, item 11).
        CREATE FUNCTION casework.changed_since_review(p_cases text[]) RETURNS TABLE (case_id text, record_id text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
          -- By the audit trail's order, not by time: a change in the same second as the review still counts.
          SELECT DISTINCT a.case_id, a.record_id
          FROM (SELECT r.case_id, max(r.seq) AS seq FROM audit r
                WHERE r.action = 'review' AND r.user_name = session_user::text AND r.case_id = ANY (p_cases) GROUP BY r.case_id) mine
          JOIN audit a ON a.case_id = mine.case_id
          WHERE a.action IN ('create', 'amend') AND a.seq > mine.seq AND a.record_id IS NOT NULL
            AND a.user_name <> session_user::text AND casework.can_see(a.case_id) $$;
        REVOKE ALL ON FUNCTION casework.mark_returned_read(text, text), casework.returned_read_at(text, text),
            casework.changed_since_review(text[]) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.mark_returned_read(text, text), casework.returned_read_at(text, text),
            casework.changed_since_review(text[]) TO casework_user;
        """

    /// Full-text search (issue 15): every word a record holds, indexed; found only in cases the session may see,
    /// and only ids returned (opening a result reads the case through read_case, audited as a view).
    static let v5 = """
        CREATE FUNCTION casework.record_words(p_body text) RETURNS tsvector LANGUAGE sql IMMUTABLE
            SET search_path = pg_catalog, pg_temp AS $$
          -- Words are letters and digits, split as the client splits what is typed ("C-0002" is c and 0002).
          SELECT to_tsvector('simple', regexp_replace(coalesce((SELECT string_agg(v #>> '{}', ' ')
                 FROM jsonb_path_query(p_body::jsonb, 'strict $.** ? (@.type() == "string")') v), ''), '[^[:alnum:]]+', ' ', 'g')) $$;
        CREATE INDEX record_search ON casework.record USING gin (casework.record_words(body));
        CREATE FUNCTION casework.search(p_query text, p_limit integer)
            RETURNS TABLE (case_id text, record_id text, kind text, child_name text)
            LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          PERFORM casework.require_user();
          RETURN QUERY SELECT r.case_id, r.record_id, r.kind, c.child_name FROM record r JOIN case_file c ON c.id = r.case_id
            WHERE casework.record_words(r.body) @@ to_tsquery('simple', p_query) AND casework.can_see(r.case_id)
            ORDER BY ts_rank(casework.record_words(r.body), to_tsquery('simple', p_query)) DESC, r.case_id, r.position
            LIMIT greatest(0, p_limit);
        END $$;
        REVOKE ALL ON FUNCTION casework.search(text, integer), casework.record_words(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.search(text, integer) TO casework_user;
        """

    /// The copy for the family (issue 15, item 16): reading a case for it is recorded as 'family-copy'.
    static let v6 = """
        CREATE OR REPLACE FUNCTION casework.read_case(p_case text, p_purpose text)
            RETURNS TABLE (kind text, body text, version integer) LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF p_purpose NOT IN ('view', 'export', 'family-copy') THEN RAISE EXCEPTION 'unknown purpose' USING ERRCODE = 'CW003'; END IF;
          PERFORM casework.require_visible(p_case);
          PERFORM casework.audit_append(p_purpose, p_case, NULL, NULL, NULL);
          RETURN QUERY SELECT * FROM casework.records_of(p_case);
        END $$;
        """

    /// The case list's "only cases with open flags" without walking every flag (issue 16): each case keeps the
    /// first day any of its open flags is due ('0000-01-01' for one due at once), kept by the database itself
    /// after every statement that writes flags, whichever function wrote them.
    static let v7 = """
        ALTER TABLE casework.case_file ADD COLUMN flagged_from text;
        UPDATE casework.case_file c SET flagged_from = (SELECT min(coalesce(f.due_from, '0000-01-01')) FROM casework.flag f
                                                        WHERE f.case_id = c.id AND f.status = 'open');
        CREATE INDEX case_file_flagged ON casework.case_file(flagged_from);
        CREATE FUNCTION casework.keep_flagged_from() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          UPDATE case_file c SET flagged_from = (SELECT min(coalesce(f.due_from, '0000-01-01')) FROM flag f
                                                 WHERE f.case_id = c.id AND f.status = 'open')
            WHERE c.id IN (SELECT DISTINCT case_id FROM changed);
          RETURN NULL;
        END $$;
        REVOKE ALL ON FUNCTION casework.keep_flagged_from() FROM PUBLIC;
        CREATE TRIGGER keep_flagged_from_insert AFTER INSERT ON casework.flag REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION casework.keep_flagged_from();
        CREATE TRIGGER keep_flagged_from_update AFTER UPDATE ON casework.flag REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION casework.keep_flagged_from();
        CREATE TRIGGER keep_flagged_from_delete AFTER DELETE ON casework.flag REFERENCING OLD TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION casework.keep_flagged_from();
        """

    /// `casework check` reads stored flags a batch of cases at a time (issue 16): the function filters by the
    /// batch itself, where filtering its result read every flag in the store once a batch (quadratic: a
    /// million cases did not finish in 8 minutes). The function without a batch stays for older clients.
    static let v8 = """
        CREATE FUNCTION casework.flags_for_check(p_cases text[]) RETURNS TABLE (case_id text, record_id text, rule text,
            severity text, field text, message text, source text, due_from text, status text, review_id text, returned_in text,
            worker text, team text) LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
        DECLARE r text := casework.require_role(ARRAY['admin', 'manager'], 'check the store');
        BEGIN
          RETURN QUERY SELECT f.case_id, f.record_id, f.rule, f.severity, f.field, f.message, f.source, f.due_from, f.status,
                              f.review_id, f.returned_in, f.worker, f.team FROM flag f
            WHERE f.case_id = ANY (p_cases) AND (r = 'admin' OR \(visible(worker: "f.worker", team: "f.team", caseId: "f.case_id")));
        END $$;
        REVOKE ALL ON FUNCTION casework.flags_for_check(text[]) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.flags_for_check(text[]) TO casework_user;
        """

    /// The three statement triggers that keep a tally as `table` changes, each with the rows it changed.
    static func tallyTriggers(on table: String, calling function: String) -> String {
        [("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows")]
            .map { op, rows in
                "CREATE TRIGGER tally_\(op.lowercased()) AFTER \(op) ON casework.\(table) REFERENCING \(rows)\n"
                    + "    FOR EACH STATEMENT EXECUTE FUNCTION casework.\(function)();"
            }.joined(separator: "\n")
    }

    /// The case list's totals without counting the store (issue 16): how many cases, and open flags by
    /// severity and due day, each practitioner and team holds, kept by statement triggers as deltas
    /// upserted into rows keyed by practitioner (a save locks only its own practitioner's rows, never one
    /// row every writer queues on). `visible_totals` sums the rows the session may see, by the row-level
    /// policies' own `visible` without a case (practitioner, team, all for a manager in no team), and counts
    /// member cases outside them one by one.
    static let v9 = """
        CREATE TABLE casework.case_tally (
            worker text NOT NULL, team text NOT NULL, n bigint NOT NULL, PRIMARY KEY (worker, team));
        CREATE TABLE casework.flag_tally (
            worker text NOT NULL, team text NOT NULL, severity text NOT NULL, due_from text NOT NULL, n bigint NOT NULL,
            PRIMARY KEY (worker, team, severity, due_from));
        REVOKE ALL ON casework.case_tally, casework.flag_tally FROM PUBLIC;

        -- Rebuilt from the tables themselves: by this migration, and after a bulk load that ran without triggers.
        CREATE FUNCTION casework.rebuild_tallies() RETURNS void LANGUAGE sql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          DELETE FROM case_tally;
          DELETE FROM flag_tally;
          INSERT INTO case_tally SELECT worker, coalesce(team, ''), count(*) FROM case_file GROUP BY 1, 2;
          INSERT INTO flag_tally SELECT worker, coalesce(team, ''), severity, coalesce(due_from, ''), count(*)
            FROM flag WHERE status = 'open' GROUP BY 1, 2, 3, 4 $$;
        REVOKE ALL ON FUNCTION casework.rebuild_tallies() FROM PUBLIC;
        SELECT casework.rebuild_tallies();

        CREATE FUNCTION casework.tally_cases() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO case_tally AS t SELECT worker, coalesce(team, ''), count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
              ON CONFLICT (worker, team) DO UPDATE SET n = t.n + excluded.n;
          ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO case_tally AS t SELECT worker, coalesce(team, ''), -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
              ON CONFLICT (worker, team) DO UPDATE SET n = t.n + excluded.n;
          ELSE
            -- Most updates (a save's last activity) move nothing: no row is touched, no lock taken.
            INSERT INTO case_tally AS t
              SELECT worker, team, sum(d) FROM (SELECT worker, coalesce(team, '') AS team, 1 AS d FROM new_rows
                                                UNION ALL SELECT worker, coalesce(team, ''), -1 FROM old_rows) x
              GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
              ON CONFLICT (worker, team) DO UPDATE SET n = t.n + excluded.n;
          END IF;
          RETURN NULL;
        END $$;
        CREATE FUNCTION casework.tally_flags() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO flag_tally AS t SELECT worker, coalesce(team, ''), severity, coalesce(due_from, ''), count(*)
              FROM new_rows WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
              ON CONFLICT (worker, team, severity, due_from) DO UPDATE SET n = t.n + excluded.n;
          ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO flag_tally AS t SELECT worker, coalesce(team, ''), severity, coalesce(due_from, ''), -count(*)
              FROM old_rows WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
              ON CONFLICT (worker, team, severity, due_from) DO UPDATE SET n = t.n + excluded.n;
          ELSE
            INSERT INTO flag_tally AS t
              SELECT worker, team, severity, due_from, sum(d) FROM (
                  SELECT worker, coalesce(team, '') AS team, severity, coalesce(due_from, '') AS due_from, 1 AS d
                  FROM new_rows WHERE status = 'open'
                  UNION ALL SELECT worker, coalesce(team, ''), severity, coalesce(due_from, ''), -1 FROM old_rows WHERE status = 'open') x
              GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
              ON CONFLICT (worker, team, severity, due_from) DO UPDATE SET n = t.n + excluded.n;
          END IF;
          RETURN NULL;
        END $$;
        REVOKE ALL ON FUNCTION casework.tally_cases(), casework.tally_flags() FROM PUBLIC;
        \(tallyTriggers(on: "case_file", calling: "tally_cases"))
        \(tallyTriggers(on: "flag", calling: "tally_flags"))

        -- The session's totals: 'cases', then each severity's open flags due by p_day.
        CREATE FUNCTION casework.visible_totals(p_day text) RETURNS TABLE (what text, n bigint)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, casework, pg_temp AS $$
          WITH outside AS (SELECT c.id FROM case_file c WHERE c.id = ANY (casework.member_cases())
                             AND NOT coalesce(\(visible(worker: "c.worker", team: "c.team", caseId: "NULL::text")), false))
          SELECT 'cases', coalesce(sum(t.n), 0)::bigint + (SELECT count(*) FROM outside) FROM case_tally t
            WHERE coalesce(\(visible(worker: "t.worker", team: "nullif(t.team, '')", caseId: "NULL::text")), false)
          UNION ALL
          SELECT severity, sum(n)::bigint FROM (
              SELECT t.severity, t.n FROM flag_tally t
              WHERE (t.due_from = '' OR t.due_from <= p_day)
                AND coalesce(\(visible(worker: "t.worker", team: "nullif(t.team, '')", caseId: "NULL::text")), false)
              UNION ALL
              SELECT f.severity, 1 FROM flag f WHERE f.case_id IN (SELECT id FROM outside)
                AND f.status = 'open' AND (f.due_from IS NULL OR f.due_from <= p_day)) x
          GROUP BY severity $$;
        REVOKE ALL ON FUNCTION casework.visible_totals(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.visible_totals(text) TO casework_user;
        """

    /// The "mine" filter without reading every one of the practitioner's cases (issue 16). Its total: a
    /// practitioner may always see their own cases, so how many they hold is their rows of `case_tally`
    /// (counted through row-level security, it read a page for each of their cases: 0.27 s alone at a
    /// million cases, about 1 s with fifty practitioners doing it at once). Its page: their cases in id
    /// order straight from an index on both, where the index on `worker` alone fetched all 20,000 of a
    /// practitioner's cases to sort them for a page of 500 (0.09–0.95 s at a million).
    static let v10 = """
        CREATE INDEX case_file_worker_id ON casework.case_file (worker, id);
        DROP INDEX casework.case_file_worker;
        CREATE FUNCTION casework.own_cases() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, casework, pg_temp AS $$
          SELECT coalesce(sum(t.n), 0)::bigint FROM case_tally t WHERE t.worker = session_user::text $$;
        REVOKE ALL ON FUNCTION casework.own_cases() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION casework.own_cases() TO casework_user;
        """

    /// The reviews of a case by its key: marking the queue's escalations read every record of a batch's
    /// cases to find their reviews (63 ms a batch of 1,000 at a million cases, 7.6 s for one manager's
    /// whole queue as JSON); with this, well under a millisecond.
    static let v11 = """
        CREATE INDEX record_review ON casework.record (case_id, position) WHERE kind = 'review';
        """
}
