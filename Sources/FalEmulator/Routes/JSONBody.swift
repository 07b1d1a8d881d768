import Foundation

/// Protocol JSON the server writes itself (status bodies, errors); app payloads go through the
/// Lua codec instead.
enum JSONBody {
  /// Encodes a JSON-ready value (dictionaries, arrays, strings, numbers, NSNull).
  static func encode(_ value: Any) -> Data {
    // Only values built by this module reach here, so a failure is a programming error.
    (try? JSONSerialization.data(
      withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
      ?? Data("null".utf8)
  }

  /// A JSON string literal for `text`.
  static func string(_ text: String) -> String {
    String(decoding: encode(text), as: UTF8.self)
  }

  /// Decodes a request body into a JSON-ready value; nil when it is not JSON.
  static func decode(_ data: Data) -> Any? {
    try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
  }
}

/// ISO-8601 UTC timestamps with milliseconds (`2024-05-01T12:00:00.123Z`), as fal's log entries use.
enum Timestamp {
  /// `2024-05-01T12:00:00.123+00:00`: the CDN token's `expires_at` (PROTOCOL.md §12.1), which Python
  /// before 3.11 can only parse with an explicit offset.
  static func iso8601WithOffset(_ date: Date) -> String { iso8601(date).dropLast() + "+00:00" }

  static func iso8601(_ date: Date) -> String {
    let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
  }
}
