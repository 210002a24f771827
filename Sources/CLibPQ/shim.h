// libpq's declarations (Debian's libpq-dev), for the team store. Only the declarations: the library
// itself is loaded when a team store is first opened (CLibPQLoad), never by a single-user process.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h> // Debian's libpq-dev, found without pkg-config (which would link libpq)
#endif

// PG_DIAG_* are macros over character constants; Swift sees them through these.
static inline int cw_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cw_diag_message(void) { return PG_DIAG_MESSAGE_PRIMARY; }
