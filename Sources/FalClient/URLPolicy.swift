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
    guard let colon = url.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
    let scheme = url.utf8[..<colon]
    guard let first = scheme.first, isLetter(first),
      scheme.allSatisfy({
        isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.".utf8.contains($0)
      })
    else { return nil }
    return String(Substring(scheme)).lowercased()
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

  // Byte by byte: the delimiters are ASCII, and every call checks its base URL (issue 10).
  /// Throws a usage error unless `url` is absolute with a scheme in `schemes` and a host.
  /// `what` names the URL in the message ("run_url", "fal.download url", "webhook_url").
  public static func check(_ url: String, what: @autoclosure () -> String, schemes: Set<String> = httpSchemes)
    throws(FalError)
  {
    let allowed = { schemes.sorted().joined(separator: " or ") }
    guard let scheme = scheme(of: url) else {
      throw .usage("\(what()) must be an absolute \(allowed()) URL, got \(quoted(url))")
    }
    guard schemes.contains(scheme) else {
      throw .usage("\(what()) must be an \(allowed()) URL, got scheme \"\(scheme)\" in \(quoted(url))")
    }
    let rest = url.utf8.dropFirst(scheme.utf8.count + 1)
    let authority = rest.dropFirst(2)
    let host = authority.prefix { $0 != UInt8(ascii: "/") }
    guard rest.starts(with: "//".utf8), let first = host.first, first != UInt8(ascii: "?"),
      first != UInt8(ascii: "#")
    else {
      throw .usage("\(what()) has no host: \(quoted(url))")
    }
    // A byte up to 0x20 or 0x7F is the whole of its scalar in UTF-8.
    var bytes = url
    if let bad = bytes.withUTF8({ $0.first { $0 <= 0x20 || $0 == 0x7F } }) {
      throw .usage("\(what()) contains \(bad == 0x20 ? "a space" : "a control character"): \(quoted(url))")
    }
  }

  /// Throws a usage error when a `path` option has a `.` or `..` segment (it would climb out of
  /// the endpoint) or a control character.
  public static func checkPath(_ path: String) throws(FalError) {
    let segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    if let bad = segments.first(where: { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) {
      throw .usage("path must not contain a \"\(Substring(bad))\" segment, got \(quoted(path))")
    }
    if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
      throw .usage("path contains a control character: \(quoted(path))")
    }
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
  }

  /// `text` quoted, cut to 100 characters (it may be anything the user passed).
  static func quoted(_ text: String) -> String {
    let cut = text.count > 100 ? String(text.prefix(100)) + "…" : text
    return "\"" + cut.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" ? $0.escaped(asASCII: false) : String($0) }.joined() + "\""
  }
}
