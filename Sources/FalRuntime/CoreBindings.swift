import CFalua
import FalClient
import Foundation
import LuaKit
import Transport

/// The `fal.core` table: thin Lua functions over `Core`. Arguments were checked by the Lua side
/// already; these checks only keep a misuse from the Lua side from crashing the host. Each feature
/// registers its primitives from its own file (`registerQueue` here, `registerLoop` below).
enum CoreBindings {
  static func push(_ core: Core, onto lua: Lua) {
    lua.newTable()
    registerLoop(core, lua)
    registerQueue(core, lua)
    registerRealtime(core, lua)
    registerStream(core, lua)
    registerStorage(core, lua)
  }

  /// Scheduling primitives: timers, cancellation, polling, interrupts, configuration.
  static func registerLoop(_ core: Core, _ lua: Lua) {
    lua.push(cFunction: falua_lua_resume)
    lua.rawSet(field: "resume", in: -2)
    lua.register([
      "sleep": { lua in
        lua.push(core.sleep(max(0, lua.number(at: 1) ?? 0)))
        return 1
      },
      "cancel": { lua in
        if let id = lua.integer(at: 1) { core.cancel(id) }
        return 0
      },
      "pending": { lua in
        lua.push(core.pending)
        return 1
      },
      "poll": { lua in
        let finished = core.poll(timeout: lua.number(at: 1))
        lua.newTable(array: Int32(finished.count))
        for (index, item) in finished.enumerated() {
          pushCompletion(id: item.id, outcome: item.outcome, onto: lua)
          lua.rawSet(index: index + 1, in: -2)
        }
        return 1
      },
      "interrupted": { lua in
        lua.push(falua_interrupted() != 0)
        return 1
      },
      "clear_interrupt": { _ in
        falua_clear_interrupt()
        return 0
      },
      "now": { lua in
        lua.push(EventLoop.now())
        return 1
      },
      "config": { lua in
        pushConfig(core.client.config, onto: lua)
        pushRetry(core.client.retryPolicy, onto: lua)
        lua.rawSet(field: "retry", in: -2)
        return 1
      },
      "configure": { lua in
        var config = core.client.config
        lua.rawGet(field: "key", in: 1)
        if let key = lua.string(at: -1) { config.key = key }
        lua.pop()
        for (field, path) in urlFields {
          lua.rawGet(field: field, in: 1)
          if let value = lua.string(at: -1) { config[keyPath: path] = value }
          lua.pop()
        }
        core.client.config = config
        if lua.rawGet(field: "retry", in: 1) == .table {
          var policy = core.client.retryPolicy
          if lua.rawGet(field: "max_attempts", in: -1) == .number { policy.maxAttempts = lua.integer(at: -1) ?? 1 }
          if lua.rawGet(field: "base_delay", in: -2) == .number { policy.baseDelay = lua.number(at: -1) ?? 0 }
          if lua.rawGet(field: "max_delay", in: -3) == .number { policy.maxDelay = lua.number(at: -1) ?? 0 }
          lua.pop(3)
          core.client.retryPolicy = policy
        }
        lua.pop()
        return 0
      },
    ])
  }

  /// `request(kind, endpoint, request_id, body, options)`: the fal HTTP calls.
  static func registerQueue(_ core: Core, _ lua: Lua) {
    lua.register([
      "request": { lua in
        let kind = try lua.checkString(1, "kind")
        let endpoint = try EndpointID(parsing: try lua.checkString(2, "endpoint"))
        let requestID = lua.string(at: 3)
        let body = lua.bytes(at: 4)
        let options = try requestOptions(lua, 5)
        let call: FalCall
        switch kind {
        case "run": call = .run(path: options.path)
        case "submit": call = .submit(path: options.path)
        case "status": call = .status(requestID: try need(requestID), logs: options.logs)
        case "result": call = .result(requestID: try need(requestID))
        case "cancel": call = .cancel(requestID: try need(requestID))
        default: throw LuaError(message: "fal.core.request: unknown kind \(kind)")
        }
        lua.push(try core.request(call, endpoint: endpoint, body: body, options: options.request))
        return 1
      },
    ])
  }

  private static let urlFields: [(String, WritableKeyPath<FalConfig, String>)] = [
    ("run_url", \.runURL), ("queue_url", \.queueURL), ("rest_url", \.restURL), ("cdn_url", \.cdnURL),
    ("user_agent", \.userAgent),
  ]

  private static func need(_ requestID: String?) throws -> String {
    guard let requestID else { throw LuaError(message: "fal.core.request: request_id required") }
    return requestID
  }

  struct Options {
    var request = RequestOptions()
    var path: String?
    var logs = false
  }

  // Reads the option table the Lua side built (already validated there).
  static func requestOptions(_ lua: Lua, _ index: Int32) throws -> Options {
    var options = Options()
    guard lua.type(at: index) == .table else { return options }
    func field<T>(_ name: String, _ read: (Int32) -> T?) -> T? {
      lua.rawGet(field: name, in: index)
      defer { lua.pop() }
      return read(-1)
    }
    options.path = field("path", lua.string(at:))
    options.logs = field("logs", { lua.type(at: $0) == .boolean ? lua.bool(at: $0) : nil }) ?? false
    options.request.startTimeout = field("start_timeout", lua.number(at:))
    options.request.hint = field("hint", lua.string(at:))
    options.request.timeout = field("timeout", lua.number(at:))
    options.request.webhookURL = field("webhook_url", lua.string(at:))
    if let priority = field("priority", lua.string(at:)) {
      options.request.priority = Priority(rawValue: priority)
    }
    if lua.rawGet(field: "headers", in: index) == .table {
      lua.forEachPair(in: -1) {
        if let name = lua.string(at: -2), let value = lua.string(at: -1) {
          options.request.headers.add(name: name, value: value)
        }
      }
    }
    lua.pop()
    return options
  }

  static func pushCompletion(id: Int, outcome: Core.Outcome, onto lua: Lua) {
    lua.newTable(record: 5)
    lua.push(id)
    lua.rawSet(field: "id", in: -2)
    switch outcome {
    case .response(let response):
      lua.push(true)
      lua.rawSet(field: "ok", in: -2)
      lua.push(response.status)
      lua.rawSet(field: "status", in: -2)
      lua.newTable()
      for (name, value) in response.headers {
        lua.push(value)
        lua.rawSet(field: name.lowercased(), in: -2)
      }
      lua.rawSet(field: "headers", in: -2)
      lua.push(bytes: response.body)
      lua.rawSet(field: "body", in: -2)
    case .failure(let error):
      lua.push(false)
      lua.rawSet(field: "ok", in: -2)
      error.push(onto: lua)
      lua.rawSet(field: "error", in: -2)
    case .timer:
      lua.push(true)
      lua.rawSet(field: "ok", in: -2)
    case .custom(let push):
      push(lua)
    }
  }

  private static func pushConfig(_ config: FalConfig, onto lua: Lua) {
    lua.newTable(record: 8)
    for (field, path) in urlFields {
      lua.push(config[keyPath: path])
      lua.rawSet(field: field, in: -2)
    }
    lua.push(config.realtimeURL)
    lua.rawSet(field: "realtime_url", in: -2)
    lua.push(config.key != nil)
    lua.rawSet(field: "has_key", in: -2)
  }

  private static func pushRetry(_ policy: RetryPolicy, onto lua: Lua) {
    lua.newTable(record: 3)
    lua.push(policy.maxAttempts)
    lua.rawSet(field: "max_attempts", in: -2)
    lua.push(policy.baseDelay)
    lua.rawSet(field: "base_delay", in: -2)
    lua.push(policy.maxDelay)
    lua.rawSet(field: "max_delay", in: -2)
  }
}

extension FalError: LuaRaisable {
  /// Pushes the error's fields; the Lua side (`fal.errors`) turns them into an error object.
  public func push(onto lua: Lua) {
    lua.newTable(record: 9)
    lua.push(kind.rawValue)
    lua.rawSet(field: "kind", in: -2)
    lua.push(message)
    lua.rawSet(field: "message", in: -2)
    lua.push(status)
    lua.rawSet(field: "status", in: -2)
    lua.push(errorType)
    lua.rawSet(field: "error_type", in: -2)
    lua.push(requestID)
    lua.rawSet(field: "request_id", in: -2)
    lua.push(timeoutType)
    lua.rawSet(field: "timeout_type", in: -2)
    if let body {
      lua.push(bytes: body)
      lua.rawSet(field: "body", in: -2)
    }
    lua.push(retryable)
    lua.rawSet(field: "retryable", in: -2)
    lua.push(endpoint)
    lua.rawSet(field: "endpoint", in: -2)
  }
}

extension Lua {
  /// The string argument at `index`, or an error naming it.
  func checkString(_ index: Int32, _ name: String) throws -> String {
    guard let value = string(at: index) else {
      throw LuaError(message: "bad argument #\(index) (\(name)): string expected, got \(type(at: index).name)")
    }
    return value
  }
}
