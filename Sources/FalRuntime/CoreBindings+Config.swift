import CFalua
import FalClient
import LuaKit

// `fal.config` (stdlib/fal/init.lua) reads and changes the client's configuration through these.
// The key goes in and never comes back out: `config` reports only whether there is one.
extension CoreBindings {
  /// `config`, `configure`.
  static func registerConfig(_ core: Core, _ lua: Lua) {
    lua.register([
      // () -> {run_url, queue_url, rest_url, cdn_url, user_agent, realtime_url, has_key, retry = {...}}
      "config": { lua in
        let config = core.client.config
        lua.newTable(record: 8)
        for (field, path) in urlFields {
          lua.push(config[keyPath: path])
          lua.rawSet(field: field, in: -2)
        }
        lua.push(config.realtimeURL)
        lua.rawSet(field: "realtime_url", in: -2)
        lua.push(config.key != nil)
        lua.rawSet(field: "has_key", in: -2)
        let policy = core.client.retryPolicy
        lua.newTable(record: 3)
        lua.push(policy.maxAttempts)
        lua.rawSet(field: "max_attempts", in: -2)
        lua.push(policy.baseDelay)
        lua.rawSet(field: "base_delay", in: -2)
        lua.push(policy.maxDelay)
        lua.rawSet(field: "max_delay", in: -2)
        lua.rawSet(field: "retry", in: -2)
        let limits = core.client.limits
        lua.newTable(record: 4)
        lua.push(limits.maxResponseBytes)
        lua.rawSet(field: "max_response_bytes", in: -2)
        lua.push(limits.maxEventBytes)
        lua.rawSet(field: "max_event_bytes", in: -2)
        lua.push(limits.maxMessageBytes)
        lua.rawSet(field: "max_message_bytes", in: -2)
        lua.push(Int(falua_max_depth(lua.state)))
        lua.rawSet(field: "max_depth", in: -2)
        lua.rawSet(field: "limits", in: -2)
        return 1
      },
      // (text) -> text with the key (and its secret half) replaced by "<redacted>"; errors.lua
      // runs every string of every error object through it, whatever the server echoed.
      "redact": { lua in
        let text = try lua.checkString(1, "text")
        lua.push(FalError.redact(text, key: core.client.config.key))
        return 1
      },
      // ({key, run_url, ..., retry = {max_attempts, base_delay, max_delay}}): absent fields stay
      "configure": { lua in
        let options = try OptionReader(lua, 1, "config")
        var config = core.client.config
        if let key = try options.string("key") { config.key = key }
        for (field, path) in urlFields {
          if let value = try options.string(field) { config[keyPath: path] = value }
        }
        var policy = core.client.retryPolicy
        try options.table("retry") { retry in
          if let value = try retry.integer("max_attempts") { policy.maxAttempts = value }
          if let value = try retry.number("base_delay") { policy.baseDelay = value }
          if let value = try retry.number("max_delay") { policy.maxDelay = value }
        }
        var limits = core.client.limits
        var maxDepth: Int?
        try options.table("limits") { table in
          if let value = try table.integer("max_response_bytes") { limits.maxResponseBytes = value }
          if let value = try table.integer("max_event_bytes") { limits.maxEventBytes = value }
          if let value = try table.integer("max_message_bytes") { limits.maxMessageBytes = value }
          maxDepth = try table.integer("max_depth")
        }
        // fal.config checked the range; the C stack's safety must not rest on that alone.
        if let maxDepth, !(1...Int(FALUA_MAX_DEPTH_CEILING)).contains(maxDepth) {
          throw LuaError(message: "fal.core.configure: max_depth must be from 1 to \(FALUA_MAX_DEPTH_CEILING)")
        }
        if let log = try options.bool("retry_log") {
          core.client.onRetry = log ? RetryNotice.writeToStandardError : nil
        }
        core.client.config = config
        core.client.retryPolicy = policy
        core.client.limits = limits
        if let maxDepth { falua_set_max_depth(lua.state, Int32(maxDepth)) }
        return 0
      },
    ])
  }

  private static let urlFields: [(String, WritableKeyPath<FalConfig, String>)] = [
    ("run_url", \.runURL), ("queue_url", \.queueURL), ("rest_url", \.restURL), ("cdn_url", \.cdnURL),
    ("user_agent", \.userAgent),
  ]
}
