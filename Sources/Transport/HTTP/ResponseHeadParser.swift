// A new status line starts over, so 1xx, proxy and redirect heads never leak into the final one.
/// Builds the response head from the lines curl's header callback delivers.
struct ResponseHeadParser {
  private(set) var status = 0
  private(set) var headers = HTTPHeaders()
  /// True between the blank line that ends a block and the next status line.
  private(set) var isBlockComplete = false

  /// Consumes one line (CRLF included or not); returns true when it ended a header block.
  mutating func consume(_ line: String) -> Bool {
    var line = Substring(line)
    while let last = line.last, last.isNewline { line.removeLast() }  // "\r\n" is one Character
    if line.hasPrefix("HTTP/") {
      status = line.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap(Self.statusCode) ?? 0
      headers = HTTPHeaders()
      isBlockComplete = false
      return false
    }
    // Trailers after a finished block are not part of the head.
    guard !isBlockComplete else { return false }
    if line.isEmpty {
      isBlockComplete = true
      return true
    }
    if let first = line.first, first == " " || first == "\t" {
      // Obsolete line folding: the line continues the previous value.
      headers.extendLastValue(with: Self.trimmed(line))
      return false
    }
    guard let colon = line.firstIndex(of: ":") else { return false }
    headers.add(name: Self.trimmed(line[..<colon]), value: Self.trimmed(line[line.index(after: colon)...]))
    return false
  }

  /// A status code is three digits from 100 up; anything else ("-5", "+200", "006", "2000") is unreadable.
  private static func statusCode(_ text: Substring) -> Int? {
    guard text.utf8.count == 3, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
      let code = Int(text), code >= 100
    else { return nil }
    return code
  }

  private static func trimmed(_ text: Substring) -> String {
    var text = text
    while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
    return String(text)
  }
}
