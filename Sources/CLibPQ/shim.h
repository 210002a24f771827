// libpq, PostgreSQL's own client library (Debian's libpq-dev), for the team store.
#include <libpq-fe.h>

// PG_DIAG_* are macros over character constants; Swift sees them through these.
static inline int cw_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cw_diag_message(void) { return PG_DIAG_MESSAGE_PRIMARY; }

// Keeps the server's NOTICE lines off standard error.
static void cw_quiet_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void cw_silence_notices(PGconn *conn) { PQsetNoticeProcessor(conn, cw_quiet_notice, 0); }
