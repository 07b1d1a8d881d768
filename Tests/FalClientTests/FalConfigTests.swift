import FalClient
import Foundation
import Testing

@Suite struct FalConfigTests {
  @Test func defaults() {
    let config = FalConfig.fromEnvironment([:])
    #expect(config.key == nil)
    #expect(config.runURL == "https://fal.run")
    #expect(config.queueURL == "https://queue.fal.run")
    #expect(config.restURL == "https://rest.fal.ai")
    #expect(config.cdnURL == "https://v3.fal.media")
    #expect(config.realtimeURL == "wss://fal.run")
    #expect(config.userAgent == "falua/0.1")
  }

  @Test func keyFromFalKeyThenFromIDAndSecret() {
    #expect(FalConfig.fromEnvironment(["FAL_KEY": "k", "FAL_KEY_ID": "i", "FAL_KEY_SECRET": "s"]).key == "k")
    #expect(
      FalConfig.fromEnvironment(["FAL_KEY": "", "FAL_KEY_ID": "i", "FAL_KEY_SECRET": "s"]).key == "i:s")
    #expect(FalConfig.fromEnvironment(["FAL_KEY_ID": "i"]).key == nil)
  }

  @Test func hostsThenFullURLsWin() {
    let hosts = FalConfig.fromEnvironment(["FAL_RUN_HOST": "example.dev"])
    #expect(hosts.runURL == "https://example.dev")
    #expect(hosts.queueURL == "https://queue.example.dev")
    #expect(hosts.realtimeURL == "wss://example.dev")
    let queueHost = FalConfig.fromEnvironment([
      "FAL_RUN_HOST": "example.dev", "FAL_QUEUE_RUN_HOST": "q.example.dev",
    ])
    #expect(queueHost.queueURL == "https://q.example.dev")
    let full = FalConfig.fromEnvironment([
      "FAL_RUN_HOST": "example.dev", "FAL_QUEUE_RUN_HOST": "q.example.dev",
      "FALUA_RUN_URL": "http://127.0.0.1:1",
      "FALUA_QUEUE_URL": "http://127.0.0.1:2", "FALUA_REST_URL": "http://127.0.0.1:3",
      "FALUA_CDN_URL": "http://127.0.0.1:4",
    ])
    #expect(full.runURL == "http://127.0.0.1:1")
    #expect(full.queueURL == "http://127.0.0.1:2")
    #expect(full.restURL == "http://127.0.0.1:3")
    #expect(full.cdnURL == "http://127.0.0.1:4")
    #expect(full.realtimeURL == "ws://127.0.0.1:1")
  }

  @Test func printingNeverShowsTheKey() {
    let secret = "key-id-123:very-secret-456"
    let config = FalConfig(key: secret)
    var dumped = ""
    dump(config, to: &dumped)
    for text in [
      "\(config)", String(reflecting: config), dumped, "\(Mirror(reflecting: config).children.map(\.value))",
    ] {
      #expect(!text.contains("very-secret"), "leaked in: \(text)")
      #expect(text.contains("<redacted>"))
    }
    #expect(!"\(FalConfig())".contains("<redacted>"))
  }
}
