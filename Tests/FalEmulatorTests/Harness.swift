import FalEmulator
import Foundation
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A reply read over loopback.
struct HTTPReply {
  var status: Int
  /// Header names lower-cased.
  var headers: [String: String]
  var body: Data

  func header(_ name: String) -> String? { headers[name.lowercased()] }
  var text: String { String(decoding: body, as: UTF8.self) }
  var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
  var object: [String: Any] { json as? [String: Any] ?? [:] }
}

/// A plain HTTP client over URLSession (Transport is tested elsewhere; these tests must not
/// depend on it).
enum HTTP {
  static let session = URLSession(configuration: .ephemeral)

  static func send(
    _ method: String, _ url: String, json: Any? = nil, body: Data? = nil, headers: [String: String] = [:]
  ) async throws -> HTTPReply {
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: 30)
    request.httpMethod = method
    request.httpBody = body
    if let json {
      request.httpBody = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    return try await withCheckedThrowingContinuation { continuation in
      session.dataTask(with: request) { data, response, error in
        guard let response = response as? HTTPURLResponse else {
          continuation.resume(throwing: error ?? URLError(.badServerResponse))
          return
        }
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
          headers[String(describing: name).lowercased()] = String(describing: value)
        }
        continuation.resume(
          returning: HTTPReply(status: response.statusCode, headers: headers, body: data ?? Data()))
      }.resume()
    }
  }
}

/// An emulator started for one test, with helpers for its routes.
final class Harness {
  let emulator: Emulator

  init(_ configure: (inout EmulatorOptions) -> Void = { _ in }) throws {
    var options = EmulatorOptions()
    configure(&options)
    emulator = try Emulator(options: options)
    try emulator.start()
  }

  deinit { emulator.stop() }

  func run(_ app: String, _ input: Any? = [String: Any](), headers: [String: String] = [:]) async throws
    -> HTTPReply
  {
    try await HTTP.send("POST", "\(emulator.runURL)/\(app)", json: input, headers: headers)
  }

  func submit(_ app: String, _ input: Any? = [String: Any](), headers: [String: String] = [:]) async throws
    -> HTTPReply
  {
    try await HTTP.send("POST", "\(emulator.queueURL)/\(app)", json: input, headers: headers)
  }

  /// Submits and returns the request id (expecting 200).
  func submitID(_ app: String, _ input: Any? = [String: Any](), headers: [String: String] = [:]) async throws
    -> String
  {
    let reply = try await submit(app, input, headers: headers)
    try #require(reply.status == 200, "submit failed: \(reply.status) \(reply.text)")
    return try #require(reply.object["request_id"] as? String)
  }

  func status(_ app: String, _ id: String, logs: String? = nil) async throws -> HTTPReply {
    let query = logs.map { "?logs=\($0)" } ?? ""
    return try await HTTP.send("GET", "\(emulator.queueURL)/\(app)/requests/\(id)/status\(query)")
  }

  func result(_ app: String, _ id: String) async throws -> HTTPReply {
    try await HTTP.send("GET", "\(emulator.queueURL)/\(app)/requests/\(id)")
  }

  func cancel(_ app: String, _ id: String) async throws -> HTTPReply {
    try await HTTP.send("PUT", "\(emulator.queueURL)/\(app)/requests/\(id)/cancel")
  }

  func record(_ id: String) async throws -> [String: Any] {
    try await HTTP.send("GET", "\(emulator.runURL)/_emulator/requests/\(id)").object
  }

  func stats() async throws -> [String: Any] {
    try await HTTP.send("GET", "\(emulator.runURL)/_emulator/stats").object
  }

  /// Polls the status route until `condition` holds or `seconds` have passed; returns that status.
  /// The bound is wall time, not a count of polls, so a loaded machine slows the test, never fails it.
  @discardableResult
  func waitForStatus(
    _ app: String, _ id: String, logs: String? = nil, seconds: Double = 60,
    until condition: ([String: Any]) -> Bool = { $0["status"] as? String == "COMPLETED" }
  ) async throws -> [String: Any] {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      let status = try await self.status(app, id, logs: logs).object
      if condition(status) { return status }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    Issue.record("request \(id) never reached the awaited status")
    throw CancellationError()
  }

  /// Waits until the request is running.
  func waitUntilRunning(_ app: String, _ id: String) async throws {
    try await waitForStatus(app, id) { $0["status"] as? String == "IN_PROGRESS" }
  }
}

/// A temporary folder of app files, removed at deinit.
final class AppFolder {
  let path: String

  init(_ files: [String: String]) throws {
    path =
      FileManager.default.temporaryDirectory.appendingPathComponent("falua-apps-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, source) in files {
      try source.write(
        toFile: (path as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
