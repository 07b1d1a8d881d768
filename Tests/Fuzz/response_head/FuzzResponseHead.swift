// libFuzzer target for ResponseHeadParser, fed as curl's header callback feeds it: one line at a
// time, each with its line end, as bytes. Properties: the status is 0 (none or
// unreadable) or three digits; `consume` returns true exactly when it completes a block; header
// names hold no colon and no surrounding blanks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let input = UnsafeBufferPointer(start: data, count: size)
  var parser = ResponseHeadParser()
  var start = input.startIndex
  while start < input.endIndex {
    let end = input[start...].firstIndex(of: 10).map { $0 + 1 } ?? input.endIndex
    let wasComplete = parser.isBlockComplete
    let ended = parser.consume(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<end])))
    precondition(ended == (!wasComplete && parser.isBlockComplete), "consume misreported the end of a block")
    precondition(parser.status == 0 || (100...999).contains(parser.status), "status \(parser.status)")
    start = end
  }
  for (name, _) in parser.headers {
    precondition(!name.contains(":"), "colon in the header name \(name)")
    precondition(name.first != " " && name.first != "\t" && name.last != " " && name.last != "\t", "blank around \(name)")
  }
  return 0
}
