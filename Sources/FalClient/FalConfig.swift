import FoundationEssentials

// The key never shows up when the config is printed, debug-printed or dumped.
/// Where and as whom the client talks to fal (DESIGN.md §6).
public struct FalConfig: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The credentials sent as `Authorization: Key …`; nil sends no Authorization header.
  public var key: String?
  /// Base URL of direct runs.
  public var runURL = "https://fal.run"
  /// Base URL of the queue.
  public var queueURL = "https://queue.fal.run"
  /// Base URL of the REST API (tokens, storage).
  public var restURL = "https://rest.fal.ai"
  /// Base URL of the CDN for uploads.
  public var cdnURL = "https://v3.fal.media"
  /// Sent as `User-Agent`.
  public var userAgent = "falua/0.1"
  /// Backup authorities (`host[:port]`) for run and queue calls, as in `fal_client` 1.0.3: when the
  /// connection to a host listed here cannot be made (refused, unresolved, or no connection within
  /// 5 s), the same request is sent once to its backup. An overridden host has none unless added.
  public var backupHosts = ["fal.run": "falrun.com", "queue.fal.run": "queue.falrun.com"]

  /// A config for the real platform with the given key.
  public init(key: String? = nil) {
    self.key = key
  }

  /// The variables `fromEnvironment` reads.
  package static let variables = ["FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_RUN_HOST", "FAL_QUEUE_RUN_HOST",
    "FALUA_RUN_URL", "FALUA_QUEUE_URL", "FALUA_REST_URL", "FALUA_CDN_URL"]

  /// Reads the variables the Python client reads, then falua's full-URL overrides, which win
  /// (from `env` when given, else from the process environment).
  public static func fromEnvironment(_ env: [String: String]? = nil) -> FalConfig {
    let env = env ?? Environment.values(variables)
    func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
    var config = FalConfig()
    if let key = value("FAL_KEY") {
      config.key = key
    } else if let id = value("FAL_KEY_ID"), let secret = value("FAL_KEY_SECRET") {
      config.key = "\(id):\(secret)"
    }
    if let host = value("FAL_RUN_HOST") {
      config.runURL = "https://\(host)"
      config.queueURL = "https://queue.\(host)"
    }
    if let host = value("FAL_QUEUE_RUN_HOST") { config.queueURL = "https://\(host)" }
    if let url = value("FALUA_RUN_URL") { config.runURL = url }
    if let url = value("FALUA_QUEUE_URL") { config.queueURL = url }
    if let url = value("FALUA_REST_URL") { config.restURL = url }
    if let url = value("FALUA_CDN_URL") { config.cdnURL = url }
    return config
  }

  /// Realtime WebSocket base, derived from `runURL` (`https` → `wss`, `http` → `ws`).
  public var realtimeURL: String {
    for (from, to) in [("https://", "wss://"), ("http://", "ws://")]
    where runURL.lowercased().hasPrefix(from) {
      return to + runURL.dropFirst(from.count)
    }
    return runURL
  }

  /// Every field by name, the key only as present or absent: what printing may show.
  private var redactedFields: KeyValuePairs<String, String> {
    [
      "key": key == nil ? "nil" : "<redacted>", "runURL": runURL, "queueURL": queueURL, "restURL": restURL,
      "cdnURL": cdnURL, "userAgent": userAgent,
    ]
  }

  /// Every field except the key's value.
  public var description: String {
    "FalConfig(" + redactedFields.map { "\($0): \($1)" }.joined(separator: ", ") + ")"
  }

  /// Same as `description`: debug output must not leak the key either.
  public var debugDescription: String { description }

  /// What `dump` and debuggers show: the key only as present or absent.
  public var customMirror: Mirror { 
    Mirror(self, children: redactedFields.map { (label: $0.key, value: $0.value as Any) }, displayStyle: .struct)
   }
}
