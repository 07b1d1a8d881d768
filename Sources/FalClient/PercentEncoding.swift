/// RFC 3986 percent-encoding over UTF-8 bytes, without Foundation's CharacterSet guesswork.
enum PercentEncoding {
  /// For one path segment: unreserved, sub-delims, `:` and `@` stay; `/`, `?`, `#`, `%`, space go.
  static func pathSegment(_ text: String) -> String {
    encode(text) { isUnreserved($0) || "!$&'()*+,;=:@".utf8.contains($0) }
  }

  /// For a query value: only unreserved characters stay (like JS encodeURIComponent).
  static func queryValue(_ text: String) -> String {
    encode(text, keeping: isUnreserved)
  }

  /// Each `/`-separated segment of `path` encoded on its own; leading and trailing `/` dropped.
  static func path(_ path: String) -> String {
    var segments = path.split(separator: "/", omittingEmptySubsequences: false)
    while segments.first == "" { segments.removeFirst() }
    while segments.last == "" { segments.removeLast() }
    return segments.map { pathSegment(String($0)) }.joined(separator: "/")
  }

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
      UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  private static func encode(_ text: String, keeping keep: (UInt8) -> Bool) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    for byte in text.utf8 {
      if keep(byte) {
        bytes.append(byte)
      } else {
        bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
