// Versions of the linked libraries, for `falua -v` (their macros do not import into Swift).
#ifndef FALUA_VERSION_H
#define FALUA_VERSION_H

/// "Lua 5.4.x".
const char *falua_lua_release(void);
/// libcurl's runtime version, e.g. "7.88.1".
const char *falua_curl_version(void);

#endif
