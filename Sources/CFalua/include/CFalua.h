// Umbrella header: what Swift sees of Lua and of falua's C helpers for it (the call trampoline, the
// JSON and msgpack codecs).
#include "falua_lua.h"
#include "falua_json.h"
#include "falua_msgpack.h"
#include "falua_limits.h"
#include "falua_bytecode.h"
