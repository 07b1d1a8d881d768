// Checked before any I/O, so a bad URL is a usage error naming the problem rather than a hang
// (gopher://), a local read (file://) or a request to a path the endpoint never meant.
/// What URLs, paths and webhook addresses the client accepts.
public enum URLPolicy {
  /// Schemes of every HTTP request, download and redirect.
  public static let httpSchemes: Set<String> = ["http", "https"]
  /// Schemes of a realtime connection.
  public static let realtimeSchemes: Set<String> = ["ws", "wss"]

  /// The URL's scheme, lowercased, or nil when it has none.
  public static func scheme(of url: String) -> String? {
    guard let colon = url.firstIndex(of: ":") else { return nil }
    let scheme = url[..<colon]
    guard let first = scheme.first, first.isLetter,
      scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
    else { return nil }
    return scheme.lowercased()
  }

  /// Where `url`'s authority (`user@host:port`) is, found byte by byte as curl finds it: in Swift's
  /// Character view a combining mark after `/` would hide the delimiter (`http://a:9/\u{301}@b/`
  /// must be host `a:9`, not `b`).
  package static func authorityRange(of url: String) -> Range<String.Index>? {
    let utf8 = url.utf8
    guard let start = utf8.firstRange(of: "://".utf8)?.upperBound else { return nil }
    let end = utf8[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
    return start..<(end ?? utf8.endIndex)
  }

  /// Throws a usage error unless `url` is absolute with a scheme in `schemes` and a host.
  /// `what` names the URL in the message ("run_url", "fal.download url", "webhook_url").
  public static func check(_ url: String, what: String, schemes: Set<String> = httpSchemes) throws(FalError) {
    let allowed = schemes.sorted().joined(separator: " or ")
    guard let scheme = scheme(of: url) else {
      throw .usage("\(what) must be an absolute \(allowed) URL, got \(quoted(url))")
    }
    guard schemes.contains(scheme) else {
      throw .usage("\(what) must be an \(allowed) URL, got scheme \"\(scheme)\" in \(quoted(url))")
    }
    let rest = url.dropFirst(scheme.count + 1)
    guard rest.hasPrefix("//"), let host = rest.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false).first,
      !host.isEmpty, !host.hasPrefix("?"), !host.hasPrefix("#")
    else {
      throw .usage("\(what) has no host: \(quoted(url))")
    }
    if let bad = url.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
      throw .usage("\(what) contains \(bad == " " ? "a space" : "a control character"): \(quoted(url))")
    }
  }

  /// Throws a usage error when a `path` option has a `.` or `..` segment (it would climb out of
  /// the endpoint) or a control character.
  public static func checkPath(_ path: String) throws(FalError) {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    if let bad = segments.first(where: { $0 == "." || $0 == ".." }) {
      throw .usage("path must not contain a \"\(bad)\" segment, got \(quoted(path))")
    }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      throw .usage("path contains a control character: \(quoted(path))")
    }
  }

  /// `text` quoted, cut to 100 characters (it may be anything the user passed).
  static func quoted(_ text: String) -> String {
    let cut = text.count > 100 ? String(text.prefix(100)) + "…" : text
    return "\"" + cut.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" ? $0.escaped(asASCII: false) : String($0) }.joined() + "\""
  }
}
