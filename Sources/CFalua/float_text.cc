// See float_text.h.
#include "float_text.h"

#include <double-conversion/double-to-string.h>
#include <double-conversion/string-to-double.h>

using double_conversion::DoubleToStringConverter;
using double_conversion::StringBuilder;
using double_conversion::StringToDoubleConverter;

// Python's repr in the converter's terms: fixed notation for decimal exponents in [-4, 16),
// "1.0" for integral values, "e+16" / "e-05" exponents; the caller has ruled out NaN and infinity.
static const DoubleToStringConverter python_repr(
    DoubleToStringConverter::EMIT_POSITIVE_EXPONENT_SIGN | DoubleToStringConverter::EMIT_TRAILING_DECIMAL_POINT |
        DoubleToStringConverter::EMIT_TRAILING_ZERO_AFTER_POINT,
    nullptr, nullptr, 'e', -4, 16, 0, 0, 2);

// No flags: the JSON grammar is checked before, so no spaces, hex or junk reach it.
static const StringToDoubleConverter json_number(StringToDoubleConverter::NO_FLAGS, 0.0, 0.0, nullptr, nullptr);

size_t falua_float_repr(double x, char out[FALUA_FLOAT_REPR_MAX]) {
  StringBuilder builder(out, FALUA_FLOAT_REPR_MAX);
  python_repr.ToShortest(x, &builder);
  return (size_t)builder.position();
}

double falua_float_parse(const char *s, size_t n) {
  int processed;
  return json_number.StringToDouble(s, (int)n, &processed);
}
