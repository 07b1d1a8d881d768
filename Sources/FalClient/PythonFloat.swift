// The Python client sends `str(float(x))` in `X-Fal-Request-Timeout`: 30 → "30.0", 1.01 → "1.01".
/// Formats a number as Python's `str(float(x))`.
enum PythonFloat {
  static func string(_ value: Double) -> String {
    // Swift already prints the shortest round-trip digits like Python; they differ only for
    // integral values from 2^53 to 1e16, which Swift writes in exponent form.
    if value.rounded() == value, abs(value) < 1e16 { return "\(Int64(value)).0" }
    return "\(value)"
  }
}
