/// How an emulator listens, which apps it loads and how it misbehaves on purpose.
public struct EmulatorOptions: Sendable {
  /// The interface both servers bind to.
  public var host = "127.0.0.1"
  /// The run server's port (also REST and CDN routes); 0 picks a free port.
  public var runPort = 0
  /// The queue server's port; 0 picks a free port.
  public var queuePort = 0
  /// A folder of extra app files (`*.lua`) loaded after the built-ins; an app with a built-in's id
  /// replaces it.
  public var appsDirectory: String? = nil
  /// When set, fal routes require `Authorization: Key <key>` (else 401).
  public var key: String? = nil
  /// Runner threads per app, unless the app file sets `runners = N`.
  public var runners = 2
  /// Random faults injected into fal routes (see `FaultPlan`).
  public var faults: FaultPlan = .none
  /// Seconds a completed request (status and result) stays fetchable.
  public var resultRetention: Double = 3600

  /// Hears what the emulator does on its own (an app file reloaded, or refused when broken).
  public var report: (@Sendable (String) -> Void)? = nil

  /// Options with the defaults above.
  public init() {}
}
