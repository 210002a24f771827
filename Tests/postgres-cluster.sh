#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start DIR` makes one in DIR
# and prints the connection string the tests use; `stop DIR` stops it and
# removes DIR. Its socket lives in DIR; peer authentication over the socket
# (each OS user is their own role); trust on 127.0.0.1 for the test harness,
# which acts as many roles; except that members of cw_remote, as people on
# a laptop, get in only with TLS and a password (a self-signed certificate
# made here). It never outlives the test run. `keep DIR` is `start` for the
# benchmarks: a cluster already in DIR is started again with its data (on a
# free port), and `halt DIR` stops it and keeps DIR; `errors DIR` prints what
# the server refused beyond the refusals the tests provoke.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "postgres-cluster: no PostgreSQL server found; install postgresql" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    for p in $(seq 25432 25631); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    echo "postgres-cluster: no free port" >&2; exit 1
}

case "$cmd" in
keep)
    if [ -f "$dir/data/PG_VERSION" ]; then
        port=$(free_port)
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 120 start >/dev/null \
            || { cat "$dir/server.log" >&2; exit 1; }
        echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$dir/conninfo"
        cat "$dir/conninfo"
    else
        exec "$0" start "$dir"
    fi
    ;;
halt)
    if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true; fi
    ;;
start)
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=peer --auth-host=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=""
    for p in $(seq 25432 25631); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
    done
    [ -n "$port" ] || { echo "postgres-cluster: no free port" >&2; exit 1; }
    openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" -keyout "$dir/data/server.key" -out "$dir/data/server.crt" \
        >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; exit 1; }
    chmod 0600 "$dir/data/server.key"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/data/server.key" "$dir/data/server.crt"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
ssl = on
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
log_line_prefix = '%m [%p] %e %u '
CONF
    cat >"$dir/data/pg_hba.conf" <<HBA
local all all peer
hostnossl all +cw_remote 127.0.0.1/32 reject
hostssl all +cw_remote 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$dir/conninfo"
    psql -X -q "$(cat "$dir/conninfo")" -c "CREATE ROLE cw_remote NOLOGIN" >/dev/null
    cat "$dir/conninfo"
    ;;
errors)
    # What the server refused other than the refusals the tests provoke on purpose (Casework's own CW codes,
    # permission denied, no such database or role at login, connection limits, a lost race for a role that
    # is retried), each with its context and the statement it ran: printed when a test run fails, to name what went wrong.
    [ -f "$dir/server.log" ] || exit 0
    awk '/ (ERROR|FATAL|PANIC): / {
             shown = 0
             if (match($0, /\] [0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z] /)) {
                 code = substr($0, RSTART + 2, 5)
                 if (code ~ /^(CW0[0-9][0-9]|42501|3D000|28000|28P01|53300|57P01|42883|23505)$/) next
             }
             print; shown = 1; next
         }
         shown && (/ (DETAIL|HINT|CONTEXT|STATEMENT): / || /^\t/) { print; next }
         { shown = 0 }' "$dir/server.log" | head -n 60
    ;;
stop)
    if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*) echo "usage: $0 start|stop|keep|halt|errors DIR" >&2; exit 64 ;;
esac
