// See float_text.h.
#include "float_text.h"

#include <dragonbox/dragonbox.h>
#include <fast_float/fast_float.h>

// Dragonbox gives the shortest digits that round-trip (of those, the nearest to x); the rest is
// Python's layout of them.
size_t falua_float_repr(double x, char out[FALUA_FLOAT_REPR_MAX]) {
  char *o = out;
  if (__builtin_signbit(x)) {
    *o++ = '-';
    x = -x;
  }
  if (x == 0) {  // Dragonbox takes nonzero values only
    memcpy(o, "0.0", 3);
    return (size_t)(o + 3 - out);
  }
  auto decimal = jkj::dragonbox::to_decimal(x, jkj::dragonbox::policy::sign::ignore,
                                            jkj::dragonbox::policy::trailing_zero::remove);
  char digits[20];
  const char *d = falua_decimal_digits(decimal.significand, digits + sizeof digits);
  int n = (int)(digits + sizeof digits - d);
  int exp10 = decimal.exponent + n - 1;  // x = d.ddd x 10^exp10
  if (exp10 < -4 || exp10 >= 16) {  // d.ddde+XX
    *o++ = d[0];
    if (n > 1) {
      *o++ = '.';
      memcpy(o, d + 1, (size_t)n - 1);
      o += n - 1;
    }
    *o++ = 'e';
    *o++ = exp10 < 0 ? '-' : '+';
    int e = exp10 < 0 ? -exp10 : exp10;
    if (e >= 100) *o++ = (char)('0' + e / 100);
    *o++ = (char)('0' + e / 10 % 10);
    *o++ = (char)('0' + e % 10);
  } else if (exp10 < 0) {  // 0.000ddd
    *o++ = '0';
    *o++ = '.';
    for (int i = -1; i > exp10; i--) *o++ = '0';
    memcpy(o, d, (size_t)n);
    o += n;
  } else if (exp10 + 1 >= n) {  // ddd000.0
    memcpy(o, d, (size_t)n);
    o += n;
    for (int i = n; i <= exp10; i++) *o++ = '0';
    memcpy(o, ".0", 2);
    o += 2;
  } else {  // dd.ddd
    memcpy(o, d, (size_t)exp10 + 1);
    o += exp10 + 1;
    *o++ = '.';
    memcpy(o, d + exp10 + 1, (size_t)(n - exp10 - 1));
    o += n - exp10 - 1;
  }
  return (size_t)(o - out);
}

// from_chars reads no locale and no leading '+' or spaces; out of range it gives ±inf or ±0.
double falua_float_parse(const char *s, size_t n) {
  double x = 0;
  fast_float::from_chars(s, s + n, x);
  return x;
}
