import Testing

@testable import Transport

@Suite struct ResponseHeadParserTests {
  private func parse(_ lines: [String]) -> (ResponseHeadParser, [Bool]) {
    var parser = ResponseHeadParser()
    let ends = lines.map { parser.consume($0) }
    return (parser, ends)
  }

  @Test func keepsOnlyTheLastResponsesHead() {
    let (parser, ends) = parse([
      "HTTP/1.1 100 Continue\r\n", "X-Early: 1\r\n", "\r\n",
      "HTTP/1.1 302 Found\r\n", "Location: /b\r\n", "\r\n",
      "HTTP/2 200 \r\n", "content-type: text/plain\r\n", "x-fal-request-id:  abc \r\n", "\r\n",
    ])
    #expect(ends == [false, false, true, false, false, true, false, false, false, true])
    #expect(parser.status == 200)
    #expect(parser.headers.map(\.name) == ["content-type", "x-fal-request-id"])
    #expect(parser.headers["X-Fal-Request-Id"] == "abc")
  }

  @Test func foldedLinesContinueTheValueAndTrailersAreIgnored() {
    let (parser, _) = parse([
      "HTTP/1.1 200 OK\r\n", "X-Long: a\r\n", "\t b\r\n", "Empty:\r\n", "\r\n", "X-Trailer: t\r\n",
    ])
    #expect(parser.headers["x-long"] == "a b")
    #expect(parser.headers["empty"] == "")
    #expect(!parser.headers.contains(name: "x-trailer"))
  }

  // Found by the response_head fuzz target: `Int` read "-5", "+200" and "006" as statuses.
  @Test func aStatusIsThreeDigitsOrUnreadable() {
    for (line, status) in [
      ("HTTP/1.1 -5 Odd", 0), ("HTTP/1.1 +200 OK", 0), ("HTTP/1.1 2000 Big", 0), ("HTTP/1.1 006 Low", 0),
      ("HTTP/1.1 abc", 0),
      ("HTTP/1.1", 0), ("HTTP/1.1 404 Not Found", 404), ("HTTP/2 101", 101),
    ] {
      let (parser, _) = parse([line + "\r\n", "\r\n"])
      #expect(parser.status == status, "\(line)")
    }
  }
}
