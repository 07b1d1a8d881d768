import Testing
import Transport

@Suite struct StreamingTests {
  private struct Trace: Sendable {
    var events: [String] = []
    var body = ""
  }

  @Test func chunksArriveBeforeTheResponseEnds() async throws {
    try await TestServer.with { port, log in
      let trace = try await onLoopThread { () -> Trace in
        let loop = try EventLoop()
        var trace = Trace()
        var done = false
        loop.send(
          HTTPRequest(url: "http://127.0.0.1:\(port)/gated"),
          onHead: { status, headers in
            trace.events.append("head \(status) \(headers["transfer-encoding"] ?? "")")
          },
          onChunk: { chunk in
            if trace.body.isEmpty {
              trace.events.append("chunk")
              // The server holds the rest until this: only a streamed first chunk can open it.
              log.openGate()
            }
            trace.body += String(decoding: chunk, as: UTF8.self)
            return true
          },
          completion: { outcome in
            trace.events.append("end \((try? outcome.get().body.count) ?? -1)")
            done = true
          })
        loop.run(until: { done })
        return trace
      }
      #expect(trace.events == ["head 200 chunked", "chunk", "end 0"])
      #expect(trace.body == "first;gated")
    }
  }

  @Test func returningFalseFromOnChunkAbortsWithoutCompletion() async throws {
    try await TestServer.with { port, _ in
      let (chunks, completed, idle) = try await onLoopThread { () -> (Int, Bool, Bool) in
        let loop = try EventLoop()
        var chunks = 0
        var completed = false
        loop.send(
          HTTPRequest(url: "http://127.0.0.1:\(port)/gated"), onHead: { _, _ in },
          onChunk: { _ in
            chunks += 1
            return false
          }, completion: { _ in completed = true })
        let idle = loop.run(until: { loop.isIdle })
        return (chunks, completed, idle)
      }
      #expect(chunks == 1)
      #expect(!completed)
      #expect(idle)
    }
  }

  @Test func headIsDeliveredForAnEmptyBody() async throws {
    try await TestServer.with { port, _ in
      let events = try await onLoopThread { () -> [String] in
        let loop = try EventLoop()
        var events: [String] = []
        loop.send(
          HTTPRequest(url: "http://127.0.0.1:\(port)/status/204"),
          onHead: { status, _ in events.append("head \(status)") },
          onChunk: { _ in
            events.append("chunk")
            return true
          }, completion: { events.append("end \((try? $0.get().status) ?? -1)") })
        loop.run(until: { loop.isIdle })
        return events
      }
      #expect(events == ["head 204", "end 204"])
    }
  }
}
