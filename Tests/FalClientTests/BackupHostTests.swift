import FalClient
import Testing
import Transport

/// Failover to the backup host when the primary cannot be reached (issue 9, item 12), with two
/// local servers: one gone (connection refused) and one answering.
@Suite struct BackupHostTests {
  /// A loopback port nothing listens on any more.
  static func closedPort() async throws -> Int {
    try await ScriptedServer.with(Script([])) { port in port }
  }

  @Test func unreachablePrimaryFailsOverOnceToTheBackup() async throws {
    let closed = try await Self.closedPort()
    let backup = Script([Reply(status: 200, body: #"{"via": "backup"}"#)])
    let outcome = try await ScriptedServer.with(backup) { port in
      try await performRun(port: closed) { $0.backupHosts = ["127.0.0.1:\(closed)": "127.0.0.1:\(port)"] }
    }
    #expect(try outcome.result?.get().body == Array(#"{"via": "backup"}"#.utf8))
    #expect(outcome.attempts == 1, "one attempt: the backup replays it")
    #expect(backup.hits == 1)
  }

  @Test func reachablePrimaryNeverUsesTheBackup() async throws {
    let closed = try await Self.closedPort()
    let primary = Script([Reply(status: 200, body: "{}")])
    let outcome = try await ScriptedServer.with(primary) { port in
      try await performRun(port: port) { $0.backupHosts = ["127.0.0.1:\(port)": "127.0.0.1:\(closed)"] }
    }
    #expect(try outcome.result?.get().status == 200)
    #expect(primary.hits == 1)
  }

  @Test func bothUnreachableIsThePrimarysConnectError() async throws {
    let (first, second) = (try await Self.closedPort(), try await Self.closedPort())
    let outcome = try await performRun(port: first, policy: RetryPolicy(maxAttempts: 2, baseDelay: 0.001)) {
      $0.backupHosts = ["127.0.0.1:\(first)": "127.0.0.1:\(second)"]
    }
    guard case .failure(let error) = outcome.result else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.kind == .network)
    #expect(error.message?.contains("port \(first)") == true, "\(error.message ?? "")")
  }

  @Test func defaultsCoverFalsHostsOnly() {
    let config = FalConfig()
    #expect(config.backupHosts == ["fal.run": "falrun.com", "queue.fal.run": "queue.falrun.com"])
    var overridden = FalConfig.fromEnvironment(["FALUA_RUN_URL": "http://127.0.0.1:9"])
    #expect(overridden.backupHosts["127.0.0.1:9"] == nil, "an overridden host has no backup")
    overridden.backupHosts = [:]
    #expect(overridden.backupHosts.isEmpty, "and failover can be switched off")
  }
}
