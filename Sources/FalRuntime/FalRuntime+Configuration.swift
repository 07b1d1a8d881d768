import FalClient
import Foundation

extension FalRuntime {
  // Its own type, so an embedding host needs only `import FalRuntime`; it wraps the client's
  // configuration, which keeps the environment rules and the key's redaction in one place.
  /// Where and as whom the runtime talks to fal (DESIGN.md §6). Printing never shows the key.
  public struct Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var client: FalConfig

    /// A configuration for the real platform with the given key.
    public init(key: String? = nil) { client = FalConfig(key: key) }

    init(client: FalConfig) { self.client = client }

    /// Reads `FAL_KEY` (or `FAL_KEY_ID` + `FAL_KEY_SECRET`), `FAL_RUN_HOST`, `FAL_QUEUE_RUN_HOST`,
    /// then falua's full-URL overrides `FALUA_RUN_URL`, `FALUA_QUEUE_URL`, `FALUA_REST_URL`,
    /// `FALUA_CDN_URL`, which win.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment)
      -> Configuration
    {
      Configuration(client: .fromEnvironment(env))
    }

    /// The credentials sent as `Authorization: Key …`; nil sends none (enough for the emulator).
    public var key: String? {
      get { client.key }
      set { client.key = newValue }
    }
    /// Base URL of direct runs (`https://fal.run`).
    public var runURL: String {
      get { client.runURL }
      set { client.runURL = newValue }
    }
    /// Base URL of the queue (`https://queue.fal.run`).
    public var queueURL: String {
      get { client.queueURL }
      set { client.queueURL = newValue }
    }
    /// Base URL of the REST API: tokens, storage (`https://rest.fal.ai`).
    public var restURL: String {
      get { client.restURL }
      set { client.restURL = newValue }
    }
    /// Base URL of the CDN for uploads (`https://v3.fal.media`).
    public var cdnURL: String {
      get { client.cdnURL }
      set { client.cdnURL = newValue }
    }
    /// Sent as `User-Agent`.
    public var userAgent: String {
      get { client.userAgent }
      set { client.userAgent = newValue }
    }

    /// Every field except the key's value.
    public var description: String {
      "FalRuntime.Configuration(" + client.redactedFields.map { "\($0): \($1)" }.joined(separator: ", ") + ")"
    }

    /// Same as `description`: debug output must not leak the key either.
    public var debugDescription: String { description }

    /// What `dump` and debuggers show: the key only as present or absent.
    public var customMirror: Mirror { client.customMirror }
  }
}
