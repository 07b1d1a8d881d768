import Foundation
import Testing

@testable import Transport

/// `HTTPRequest.bodyFile`: a file region is sent as the body, read while sending.
@Suite struct BodyFileTests {
  private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bodyfile-\(UUID().uuidString)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test(arguments: ["PUT", "POST"])
  func sendsExactlyTheRegion(_ method: String) async throws {
    let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) }
    let path = try temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try await TestServer.with { port, _ in
      var request = HTTPRequest(method: method, url: "http://127.0.0.1:\(port)/echo")
      request.bodyFile = HTTPBodyFile(path: path, offset: 1_000_003, length: 1 << 20)
      let reply = try #require(try await roundTrip(request)).get()
      #expect(reply.headers["x-echo-method"] == method)
      #expect(reply.body == Array(bytes[1_000_003..<(1_000_003 + (1 << 20))]))
      request.bodyFile = HTTPBodyFile(path: path, offset: 5, length: 0)
      #expect(try #require(try await roundTrip(request)).get().body.isEmpty)
    }
  }

  @Test func missingOrShortFileFailsTheTransfer() async throws {
    let path = try temporaryFile(Array(repeating: 1, count: 100))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try await TestServer.with { port, _ in
      var request = HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(port)/echo")
      request.bodyFile = HTTPBodyFile(path: path + ".missing", length: 10)
      let missing = try #require(try await roundTrip(request))
      #expect(throws: TransportError.self) { try missing.get() }
      request.bodyFile = HTTPBodyFile(path: path, offset: 50, length: 100)
      let short = try #require(try await roundTrip(request))
      #expect(throws: TransportError.self) { try short.get() }
    }
  }
}
