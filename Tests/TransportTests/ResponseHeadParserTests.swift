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
}
