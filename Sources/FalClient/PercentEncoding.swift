// Byte by byte, and a text with nothing to encode is returned as it is: every call builds its URL
// from these (issue 10).
/// RFC 3986 percent-encoding over UTF-8 bytes, without Foundation's CharacterSet guesswork.
enum PercentEncoding {
  /// For one path segment: unreserved, sub-delims, `:` and `@` stay; `/`, `?`, `#`, `%`, space go.
  static func pathSegment(_ text: String) -> String {
    encode(text.utf8[...], keeping: isSegmentByte)
  }

  /// For a query value: only unreserved characters stay (like JS encodeURIComponent).
  static func queryValue(_ text: String) -> String {
    encode(text.utf8[...], keeping: isUnreserved)
  }

  /// Each `/`-separated segment of `path` encoded on its own; leading and trailing `/` dropped.
  static func path(_ path: String) -> String {
    var bytes = path.utf8[...]
    while bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
    while bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    return encode(bytes) { $0 == UInt8(ascii: "/") || isSegmentByte($0) }
  }

  private static func isSegmentByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
      UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
      UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
      return true
    default:
      return isUnreserved(byte)
    }
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

  private static func encode(_ text: Substring.UTF8View, keeping keep: (UInt8) -> Bool) -> String {
    if text.allSatisfy(keep) { return String(Substring(text)) }
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.count * 3)
    for byte in text {
      if keep(byte) {
        bytes.append(byte)
      } else {
        bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
