// Umbrella header: what Swift sees of Lua, libcurl and falua's C helpers.
#include "falua_lua.h"
#include "falua_curl.h"
#include "falua_json.h"
#include "falua_version.h"
#include "falua_png.h"
#include "falua_crypto.h"
#include "falua_msgpack.h"
#include "falua_websocket.h"
