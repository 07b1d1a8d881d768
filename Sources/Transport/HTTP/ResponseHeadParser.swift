// A new status line starts over, so 1xx, proxy and redirect heads never leak into the final one.
// Lines are read as bytes (an HTTP head's delimiters are ASCII), and only a header's name and
// value become Strings: Character-by-Character work cost a fal.run tens of thousands of
// instructions (issue 10).
/// Builds the response head from the lines curl's header callback delivers.
struct ResponseHeadParser {
  private(set) var status = 0
  private(set) var headers = HTTPHeaders()
  /// True between the blank line that ends a block and the next status line.
  private(set) var isBlockComplete = false

  private typealias Bytes = Slice<UnsafeRawBufferPointer>

  /// Consumes one line (CRLF included or not); returns true when it ended a header block.
  mutating func consume(_ line: String) -> Bool {
    var line = line
    return line.withUTF8 { consume(UnsafeRawBufferPointer($0)) }
  }

  /// Consumes one line of UTF-8 bytes (invalid sequences are repaired as String(decoding:) does).
  mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let line = Self.droppingLineEnds(bytes[...])
    if line.starts(with: "HTTP/".utf8) {
      // The second word, words split at spaces ("HTTP/1.1 200 OK" -> "200").
      let afterVersion = line.drop { $0 != Self.space }.drop { $0 == Self.space }
      status = Self.statusCode(afterVersion.prefix { $0 != Self.space }) ?? 0
      headers = HTTPHeaders()
      headers.reserveCapacity(8)
      isBlockComplete = false
      return false
    }
    // Trailers after a finished block are not part of the head.
    guard !isBlockComplete else { return false }
    guard let first = line.first else {
      isBlockComplete = true
      return true
    }
    if Self.isBlank(first) {
      // Obsolete line folding: the line continues the previous value.
      headers.extendLastValue(with: Self.trimmed(line))
      return false
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return false }
    headers.add(name: Self.trimmed(line[..<colon]), value: Self.trimmed(line[(colon + 1)...]))
    return false
  }

  private static let space = UInt8(ascii: " ")

  /// A status code is three digits from 100 up; anything else ("-5", "+200", "006", "2000") is unreadable.
  private static func statusCode(_ text: Bytes) -> Int? {
    guard text.count == 3, text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
      return nil
    }
    let code = text.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    return code >= 100 ? code : nil
  }

  private static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == UInt8(ascii: "\t") }

  private static func trimmed(_ text: Bytes) -> String {
    var text = text
    while let first = text.first, isBlank(first) { text.removeFirst() }
    while let last = text.last, isBlank(last) { text.removeLast() }
    return String(decoding: text, as: UTF8.self)
  }

  /// `line` without the line ends Character.isNewline knows: LF, VT, FF, CR, and NEL, LS, PS in UTF-8.
  private static func droppingLineEnds(_ line: Bytes) -> Bytes {
    var line = line
    while let last = line.last {
      if (0x0A...0x0D).contains(last) {
        line.removeLast()
      } else if last == 0x85, line.dropLast().last == 0xC2 {
        line.removeLast(2)
      } else if last == 0xA8 || last == 0xA9, line.dropLast().last == 0x80, line.dropLast(2).last == 0xE2 {
        line.removeLast(3)
      } else {
        break
      }
    }
    return line
  }
}
