#include "falua_version.h"
#include <curl/curl.h>
#include <lua5.4/lua.h>

const char *falua_lua_release(void) { return LUA_RELEASE; }
const char *falua_curl_version(void) { return curl_version_info(CURLVERSION_NOW)->version; }
