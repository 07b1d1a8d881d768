import Foundation
import Testing

@testable import FalEmulator

/// `POST /tokens/` and the JWTs the realtime route checks (PROTOCOL.md §11).
@Suite struct RealtimeTokenTests {
  @Test func tokensAdmitTheirAppUntilTheyExpire() {
    let tokens = RealtimeTokens()
    let now = Date()
    let token = tokens.issue(aliases: ["realtime-echo"], seconds: 120, now: now)
    #expect(token.split(separator: ".").count == 3, "a JWT: header.payload.signature")
    #expect(tokens.refusal(of: token, alias: "realtime-echo", now: now) == nil)
    #expect(tokens.refusal(of: token, alias: "flux", now: now) == "token not valid for flux")
    #expect(tokens.refusal(of: token, alias: "realtime-echo", now: now + 121) == "token expired")
    let parts = token.split(separator: ".")
    let forged = tokens.issue(aliases: ["flux"], seconds: 120, now: now).split(separator: ".")[1]
    #expect(tokens.refusal(of: "\(parts[0]).\(forged).\(parts[2])", alias: "flux", now: now) == "bad token signature")
    #expect(tokens.refusal(of: "garbage", alias: "realtime-echo", now: now) == "malformed token")
    #expect(RealtimeTokens().refusal(of: token, alias: "realtime-echo", now: now) == "bad token signature",
      "another emulator's key")
  }

  @Test func tokenRouteIssuesAJSONString() async throws {
    let harness = try Harness { $0.key = "token-key" }
    let url = harness.emulator.restURL + "/tokens/"
    let body: [String: Any] = ["allowed_apps": ["realtime-echo"], "token_expiration": 60]
    let reply = try await HTTP.send("POST", url, json: body, headers: ["Authorization": "Key token-key"])
    #expect(reply.status == 201)
    let token = try #require(reply.json as? String, "a JSON string literal: \(reply.text)")
    #expect(token.split(separator: ".").count == 3)
    let unauthorized = try await HTTP.send("POST", url, json: body, headers: ["Authorization": "Key wrong"])
    #expect(unauthorized.status == 401)
    let malformed = try await HTTP.send("POST", url, json: ["apps": 1], headers: ["Authorization": "Key token-key"])
    #expect(malformed.status == 422)
    let tooLong = try await HTTP.send(
      "POST", url, json: ["allowed_apps": ["x"], "token_expiration": 10_000_000], headers: ["Authorization": "Key token-key"])
    #expect(tooLong.status == 422)
  }
}
