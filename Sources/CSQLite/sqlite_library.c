// libsqlite3, opened on first use, as libcurl is (CTransport/curl_library.c): only the request
// journal needs it, and linked it cost every start of falua 1.1 M instructions of relocation (of
// 13.5 M) and 256 KB of resident memory (docs/design.md §14). The functions the journal calls are
// defined here under their own names and forward to the library, which the first call opens.
#include "falua_sqlite.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
  int (*open_v2)(const char *, sqlite3 **, int, const char *);
  int (*close)(sqlite3 *);
  int (*close_v2)(sqlite3 *);
  int (*exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
  const char *(*errmsg)(sqlite3 *);
  int (*busy_timeout)(sqlite3 *, int);
  int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
  int (*step)(sqlite3_stmt *);
  int (*reset)(sqlite3_stmt *);
  int (*finalize)(sqlite3_stmt *);
  int (*clear_bindings)(sqlite3_stmt *);
  int (*bind_text)(sqlite3_stmt *, int, const char *, int, void (*)(void *));
  int (*bind_null)(sqlite3_stmt *, int);
  int (*bind_int64)(sqlite3_stmt *, int, sqlite3_int64);
  int (*bind_double)(sqlite3_stmt *, int, double);
  sqlite3_int64 (*column_int64)(sqlite3_stmt *, int);
  double (*column_double)(sqlite3_stmt *, int);
  const unsigned char *(*column_text)(sqlite3_stmt *, int);
} library;
static char load_error[256];
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *handle = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    snprintf(load_error, sizeof load_error, "cannot load libsqlite3: %s", dlerror());
    return;
  }
#define RESOLVE(field)                                                                  \
  if (!(*(void **)&library.field = dlsym(handle, "sqlite3_" #field))) {                 \
    snprintf(load_error, sizeof load_error, "libsqlite3 has no sqlite3_%s: too old", #field); \
    return;                                                                             \
  }
  RESOLVE(open_v2)
  RESOLVE(close)
  RESOLVE(close_v2)
  RESOLVE(exec)
  RESOLVE(errmsg)
  RESOLVE(busy_timeout)
  RESOLVE(prepare_v2)
  RESOLVE(step)
  RESOLVE(reset)
  RESOLVE(finalize)
  RESOLVE(clear_bindings)
  RESOLVE(bind_text)
  RESOLVE(bind_null)
  RESOLVE(bind_int64)
  RESOLVE(bind_double)
  RESOLVE(column_int64)
  RESOLVE(column_double)
  RESOLVE(column_text)
#undef RESOLVE
  loaded = 1;
}

const char *falua_sqlite_unavailable(void) { return loaded || !load_error[0] ? NULL : load_error; }

// Only sqlite3_open_v2 can be the first call: every other function takes a connection or a
// statement it made, so the library is open by then. close(NULL) is the one exception, after a
// failed open.
int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs) {
  pthread_once(&load_once, load);
  if (!loaded) {
    *db = NULL;
    return SQLITE_CANTOPEN;
  }
  return library.open_v2(path, db, flags, vfs);
}
int sqlite3_close(sqlite3 *db) { return db ? library.close(db) : SQLITE_OK; }
int sqlite3_close_v2(sqlite3 *db) { return db ? library.close_v2(db) : SQLITE_OK; }
int sqlite3_exec(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **), void *context,
                 char **error) {
  return library.exec(db, sql, callback, context, error);
}
const char *sqlite3_errmsg(sqlite3 *db) { return library.errmsg(db); }
int sqlite3_busy_timeout(sqlite3 *db, int milliseconds) { return library.busy_timeout(db, milliseconds); }
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int length, sqlite3_stmt **statement, const char **tail) {
  return library.prepare_v2(db, sql, length, statement, tail);
}
int sqlite3_step(sqlite3_stmt *statement) { return library.step(statement); }
int sqlite3_reset(sqlite3_stmt *statement) { return library.reset(statement); }
int sqlite3_finalize(sqlite3_stmt *statement) { return statement ? library.finalize(statement) : SQLITE_OK; }
int sqlite3_clear_bindings(sqlite3_stmt *statement) { return library.clear_bindings(statement); }
int sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int length, void (*destructor)(void *)) {
  return library.bind_text(statement, index, text, length, destructor);
}
int sqlite3_bind_null(sqlite3_stmt *statement, int index) { return library.bind_null(statement, index); }
int sqlite3_bind_int64(sqlite3_stmt *statement, int index, sqlite3_int64 value) {
  return library.bind_int64(statement, index, value);
}
int sqlite3_bind_double(sqlite3_stmt *statement, int index, double value) {
  return library.bind_double(statement, index, value);
}
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *statement, int column) {
  return library.column_int64(statement, column);
}
double sqlite3_column_double(sqlite3_stmt *statement, int column) { return library.column_double(statement, column); }
const unsigned char *sqlite3_column_text(sqlite3_stmt *statement, int column) {
  return library.column_text(statement, column);
}
