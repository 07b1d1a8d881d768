// libFuzzer target for SSEParser. Properties: a stream fed whole or cut into chunks anywhere (empty
// chunks included) gives the same events and the same parser state; no event type, data or id
// holds a CR, and only data holds an LF (between its lines).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let input = UnsafeBufferPointer(start: data, count: size)
  guard let seed = input.first else { return 0 }
  let stream = input[1...]

  var whole = SSEParser()
  let expected = whole.feed(stream)

  // Chunk lengths 0 to 7 from a small generator seeded by the first byte.
  var split = SSEParser()
  var events: [SSEEvent] = []
  var state = UInt32(seed) | 1
  var start = stream.startIndex
  while start < stream.endIndex {
    state = state &* 1_103_515_245 &+ 12345
    let end = min(start + Int(state >> 16) % 8, stream.endIndex)
    events += split.feed(stream[start..<end])
    start = end
  }

  precondition(events == expected, "chunking changed the events")
  precondition(split.lastEventID == whole.lastEventID, "chunking changed the last event id")
  precondition(split.retryMilliseconds == whole.retryMilliseconds, "chunking changed retry")
  precondition(split.isMidEvent == whole.isMidEvent, "chunking changed isMidEvent")
  for event in expected {
    precondition(!event.type.utf8.contains(13) && !event.type.utf8.contains(10), "line break in the type")
    precondition(!event.data.utf8.contains(13), "CR in the data")
    precondition(!event.lastEventID.utf8.contains(13) && !event.lastEventID.utf8.contains(10), "line break in the id")
  }
  return 0
}
