// libpq, PostgreSQL's own client (Debian's libpq-dev), for the team store: its declarations, and the
// functions the team store calls, found in libpq.so.5 the first time a team store is opened. A
// process working on a single-user store never loads the PostgreSQL client, nor the twenty libraries
// it brings (Kerberos, LDAP, GnuTLS, OpenSSL, ...): 5 ms and 5.6 MB of every start. Each field has
// its function's own type, taken from libpq-fe.h, so a wrong call does not compile.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h> // Debian's libpq-dev, found without pkg-config (which would link libpq)
#endif

// PG_DIAG_* are macros over character constants; Swift sees them through these.
static inline int cw_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cw_diag_message(void) { return PG_DIAG_MESSAGE_PRIMARY; }

// Each function the team store calls, once: the table's fields and the loader both come from here.
#define CW_LIBPQ_FUNCTIONS(X) \
    X(PQconnectdb) \
    X(PQstatus) \
    X(PQerrorMessage) \
    X(PQfinish) \
    X(PQreset) \
    X(PQexec) \
    X(PQexecParams) \
    X(PQclear) \
    X(PQresultStatus) \
    X(PQresultErrorField) \
    X(PQntuples) \
    X(PQnfields) \
    X(PQfname) \
    X(PQgetvalue) \
    X(PQgetisnull) \
    X(PQbackendPID) \
    X(PQnotifies) \
    X(PQconsumeInput) \
    X(PQfreemem) \
    X(PQputCopyData) \
    X(PQputCopyEnd) \
    X(PQgetResult) \
    X(PQescapeLiteral) \
    X(PQescapeIdentifier) \
    X(PQsetNoticeProcessor)

#define CW_PQ_FIELD(name) __typeof__(name) *_Nonnull name;
struct cw_libpq {
    CW_LIBPQ_FUNCTIONS(CW_PQ_FIELD)
};

// Loads libpq once (later calls answer at once). NULL when it cannot, with `why` set to what the
// dynamic loader said (a missing library or function).
const struct cw_libpq *_Nullable cw_libpq_load(const char *_Nullable *_Nonnull why);

// Keeps the server's NOTICE lines off standard error, through a loaded libpq.
void cw_silence_notices(const struct cw_libpq *_Nonnull pq, PGconn *_Nonnull conn);
