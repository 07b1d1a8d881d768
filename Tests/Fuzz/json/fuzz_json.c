// libFuzzer target for the JSON codec (codec_json.c): the property is in property.lua.
#include "../lua_property.h"

static const char property[] = {
#embed "../values.lua"
    ,
#embed "property.lua"
    , 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_property(property, data, size);
  return 0;
}
