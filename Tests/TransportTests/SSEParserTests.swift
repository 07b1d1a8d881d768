import Testing

@testable import Transport

/// The event-stream parser against the WHATWG rules, fed in every possible chunking.
@Suite struct SSEParserTests {
  /// BOM, comments, CRLF / LF / CR line ends, multi-line data, named events, ids, retry, a field
  /// with no colon, an empty-data block and multi-byte UTF-8 (2, 3 and 4 bytes).
  static let stream = Array(
    ("\u{FEFF}: hello\r\n"
      + "data: héllo 🌍\r\ndata:second line\r\n\r\n"
      + "event: update\nid: 7\ndata: {\"a\":1}\n\n"
      + "retry: 3000\rdata:  two spaces\r\r"
      + "data\n\n"
      + "event: ignored\n\n"
      + "id: 8\rdata: 漢字\r\n\n"
      + "unknown: x\ndata:last\n\n").utf8)

  static let expected = [
    SSEEvent(type: "message", data: "héllo 🌍\nsecond line"),
    SSEEvent(type: "update", data: "{\"a\":1}", lastEventID: "7"),
    SSEEvent(type: "message", data: " two spaces", lastEventID: "7"),
    SSEEvent(type: "message", data: "", lastEventID: "7"),
    SSEEvent(type: "message", data: "漢字", lastEventID: "8"),
    SSEEvent(type: "message", data: "last", lastEventID: "8"),
  ]

  private static func parse(_ chunks: [ArraySlice<UInt8>]) -> (events: [SSEEvent], parser: SSEParser) {
    var parser = SSEParser()
    var events: [SSEEvent] = []
    for chunk in chunks { events += parser.feed(chunk) }
    return (events, parser)
  }

  @Test func wholeStream() {
    let (events, parser) = Self.parse([Self.stream[...]])
    #expect(events == Self.expected)
    #expect(parser.retryMilliseconds == 3000)
    #expect(!parser.isMidEvent)
  }

  @Test func everySplitPoint() {
    for split in 0...Self.stream.count {
      let (events, _) = Self.parse([Self.stream[..<split], Self.stream[split...]])
      #expect(events == Self.expected, "split at byte \(split)")
    }
  }

  @Test func everyPairOfSplitPoints() {
    let bytes = Self.stream
    for first in 0...bytes.count {
      for second in first...bytes.count {
        let (events, _) = Self.parse([bytes[..<first], bytes[first..<second], bytes[second...]])
        if events != Self.expected {
          Issue.record("splits at \(first) and \(second): \(events)")
          return
        }
      }
    }
  }

  @Test func oneByteAtATime() {
    let (events, parser) = Self.parse(Self.stream.indices.map { Self.stream[$0...$0] })
    #expect(events == Self.expected)
    #expect(parser.lastEventID == "8")
  }

  @Test func crAtChunkEndThenLFStartsNoExtraBlankLine() {
    // "data: a\r" + "\ndata: b\r\n\r\n": the LF after the split CR must not end the event early.
    let (events, _) = Self.parse([Array("data: a\r".utf8)[...], Array("\ndata: b\r\n\r\n".utf8)[...]])
    #expect(events == [SSEEvent(data: "a\nb")])
  }

  @Test func bomOnlyAtStartAndOnlyOnce() {
    let (events, _) = Self.parse([Array("\u{FEFF}\u{FEFF}data: x\n\n".utf8)[...]])
    // The second BOM is part of the first line's field name, which is then unknown.
    #expect(events.isEmpty)
    let (split, _) = Self.parse([[0xEF], [0xBB], Array("\u{BF}".utf8).suffix(1), Array("data: y\n\n".utf8)[...]])
    #expect(split == [SSEEvent(data: "y")])
  }

  @Test func midEventAtEndOfStream() {
    var parser = SSEParser()
    #expect(parser.feed(Array("data: whole\n\ndata: cut".utf8)) == [SSEEvent(data: "whole")])
    #expect(parser.isMidEvent)
    var withoutBlank = SSEParser()
    _ = withoutBlank.feed(Array("data: x\n".utf8))
    #expect(withoutBlank.isMidEvent)
    var clean = SSEParser()
    _ = clean.feed(Array(": keep-alive\n\ndata: y\n\n".utf8))
    #expect(!clean.isMidEvent)
  }

  // Lines go in a run at a time, but the event-size limit must stop at the same byte as when the
  // stream arrives one byte per chunk, with the same events before it.
  @Test(arguments: [0, 5, 6, 7, 11, 12, 13, 20, 40])
  func limitStopsWhereItWouldByteByByte(limit: Int) {
    let text = Array("data: abcdef\n\ndata: 0123456789012345\ndata: x\n\ndata: tail".utf8)
    func feed(_ chunks: [ArraySlice<UInt8>]) -> ([SSEEvent], Bool) {
      var parser = SSEParser(maxEventBytes: limit)
      let events = chunks.flatMap { parser.feed($0) }
      return (events, parser.exceededLimit)
    }
    let byteByByte = feed(text.indices.map { text[$0...$0] })
    #expect(feed([text[...]]) == byteByByte)
    #expect(feed([text[..<17], text[17...]]) == byteByByte)
    #expect(byteByByte.1 == (limit <= 20))
  }

  @Test func idWithNULIsIgnoredAndRetryNeedsDigits() {
    var parser = SSEParser()
    let events = parser.feed(Array("id: 1\nretry: 10\n\nid: a\u{0}b\nretry: 5x\ndata: z\n\n".utf8))
    #expect(events == [SSEEvent(data: "z", lastEventID: "1")])
    #expect(parser.retryMilliseconds == 10)
  }
}
