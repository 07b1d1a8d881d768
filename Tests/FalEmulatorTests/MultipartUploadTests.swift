import FalEmulator
import Foundation
import Testing

/// The CDN multipart routes as fal's CDN answers them (PROTOCOL.md §12.1, §12.3).
@Suite struct MultipartUploadTests {
  /// A fresh CDN token's `Authorization` value and its reply.
  static func token(_ harness: Harness) async throws -> (authorization: String, reply: [String: Any]) {
    let reply = try await HTTP.send(
      "POST", "\(harness.emulator.restURL)/storage/auth/token?storage_type=fal-cdn-v3", json: [String: Any]())
    let token = try #require(reply.object["token"] as? String)
    return ("Bearer \(token)", reply.object)
  }

  /// Starts an upload and PUTs `parts` (number → bytes) with `authorization`; returns the access URL
  /// and the upload id.
  static func upload(_ harness: Harness, authorization: String, parts: [Int: String]) async throws
    -> (url: String, id: String)
  {
    let started = try await HTTP.send(
      "POST", "\(harness.emulator.cdnURL)/files/upload/multipart",
      headers: ["Authorization": authorization, "Content-Type": "text/plain", "X-Fal-File-Name": "p.txt"])
    let url = try #require(started.object["access_url"] as? String)
    let id = try #require(started.object["uploadId"] as? String)
    for (number, text) in parts {
      let put = try await HTTP.send(
        "PUT", "\(url)/multipart/\(id)/\(number)", body: Data(text.utf8), headers: ["Authorization": authorization])
      #expect(put.status == 200, "\(put.text)")
    }
    return (url, id)
  }

  static func complete(_ url: String, _ id: String, _ numbers: [Int], authorization: String?) async throws -> HTTPReply {
    let parts = numbers.map { ["partNumber": $0, "etag": "\"x\""] as [String: Any] }
    return try await HTTP.send(
      "POST", "\(url)/multipart/\(id)/complete", json: ["parts": parts],
      headers: authorization.map { ["Authorization": $0] } ?? [:])
  }

  @Test func tokenExpiryHasAnExplicitOffset() async throws {
    let harness = try Harness()
    let expiry = try #require(try await Self.token(harness).reply["expires_at"] as? String)
    #expect(expiry.hasSuffix("+00:00"), "\(expiry)")
    #expect(!expiry.hasSuffix("Z"))
  }

  @Test func partsListedInCompletionOrderAreJoinedByNumber() async throws {
    let harness = try Harness()
    let auth = try await Self.token(harness).authorization
    let texts = [1: "one ", 2: "two ", 3: "three"]
    let (url, id) = try await Self.upload(harness, authorization: auth, parts: texts)
    let done = try await Self.complete(url, id, [3, 1, 2], authorization: auth)
    #expect(done.status == 200, "\(done.text)")
    #expect(try await HTTP.send("GET", url).text == "one two three")
  }

  @Test func missingDuplicateAndUnknownPartsAreRefused() async throws {
    let harness = try Harness()
    let auth = try await Self.token(harness).authorization
    let (url, id) = try await Self.upload(harness, authorization: auth, parts: [1: "a", 2: "b", 3: "c"])
    for (numbers, problem) in [
      ([1, 3], "part 2 is missing"), ([1, 2, 2], "part 2 is listed twice"), ([Int](), "must list"),
      ([1, 2, 3, 4], "part 4 was never uploaded"),
    ] {
      let reply = try await Self.complete(url, id, numbers, authorization: auth)
      #expect(reply.status == 400)
      #expect((reply.object["detail"] as? String)?.contains(problem) == true, "\(numbers): \(reply.text)")
    }
  }

  @Test func partsAndCompleteNeedTheCDNToken() async throws {
    let harness = try Harness()
    let auth = try await Self.token(harness).authorization
    let (url, id) = try await Self.upload(harness, authorization: auth, parts: [1: "a"])
    for authorization in [nil, "Bearer not-a-token", "Key \(auth)"] {
      let put = try await HTTP.send(
        "PUT", "\(url)/multipart/\(id)/2", body: Data("b".utf8),
        headers: authorization.map { ["Authorization": $0] } ?? [:])
      #expect(put.status == 401, "part with \(authorization ?? "no auth")")
      let done = try await Self.complete(url, id, [1], authorization: authorization)
      #expect(done.status == 401, "complete with \(authorization ?? "no auth")")
    }
    #expect(try await Self.complete(url, id, [1], authorization: auth).status == 200)
  }
}
