#include "CLibPQ.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct cw_libpq table;
static char failure[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(failure, sizeof failure, "%s", e ? e : "libpq.so.5 was not found");
        return;
    }
#define CW_PQ_FIND(name)                                                                        \
    if (!(table.name = (__typeof__(name) *)dlsym(lib, #name))) {                                 \
        snprintf(failure, sizeof failure, "libpq.so.5 has no %s (too old a version?)", #name);  \
        return;                                                                                  \
    }
    CW_LIBPQ_FUNCTIONS(CW_PQ_FIND)
}

const struct cw_libpq *cw_libpq_load(const char **why) {
    pthread_once(&once, load);
    if (failure[0]) {
        *why = failure;
        return NULL;
    }
    *why = NULL;
    return &table;
}

static void quiet(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

void cw_silence_notices(const struct cw_libpq *pq, PGconn *conn) { pq->PQsetNoticeProcessor(conn, quiet, NULL); }
