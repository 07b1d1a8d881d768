#ifndef FALUA_SQLITE_H
#define FALUA_SQLITE_H
// SQLite for the request journal, opened on first use (sqlite_library.c): sqlite3.h declares the
// functions, which sqlite_library.c defines as forwarders.
#include <sqlite3.h>

/// Why libsqlite3 could not be opened, or NULL once it is open (or before the first call).
const char *falua_sqlite_unavailable(void);

#endif
