// Floats <-> text for the JSON codec: shortest round-trip digits by Dragonbox (libdragonbox-dev)
// and correctly rounded parsing by fast_float (libfast-float-dev), both header-only C++ behind a C
// interface, neither reading the C locale. Measured against glibc's printf/strtod and Google's
// double-conversion in docs/design.md (codec section).
#ifndef FALUA_FLOAT_TEXT_H
#define FALUA_FLOAT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the decimal digits of `u` so that they end just before `end`; returns where they start.
/// Two digits per division: integers and float significands have up to 20 and 17 digits.
static inline char *falua_decimal_digits(uint64_t u, char *end) {
  static const char pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  while (u >= 100) {
    end -= 2;
    memcpy(end, pairs + 2 * (u % 100), 2);
    u /= 100;
  }
  if (u >= 10) {
    end -= 2;
    memcpy(end, pairs + 2 * u, 2);
  } else {
    *--end = (char)('0' + u);
  }
  return end;
}

/// Room for the longest repr ("-1.7976931348623157e+308", "-0.00012345678901234567") and a NUL.
#define FALUA_FLOAT_REPR_MAX 32

/// Writes the finite `x` as Python's repr does, so that it reads back as the same float: the
/// shortest digits that round-trip, fixed notation for 1e-4 <= |x| < 1e16 ("0.1", "1.0", "-0.0")
/// and exponent notation with at least two exponent digits otherwise ("1e+16", "1.5e-05",
/// "5e-324"). Returns the length written to `out` (not NUL-terminated).
size_t falua_float_repr(double x, char out[FALUA_FLOAT_REPR_MAX]);

/// The double nearest to the JSON number text [s, s+n), which the caller has checked against the
/// grammar. Beyond the range it is ±inf (as Python reads 1e400), below it ±0.
double falua_float_parse(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
