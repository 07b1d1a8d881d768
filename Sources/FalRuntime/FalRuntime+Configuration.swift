import FalClient
import FoundationEssentials

// Re-exported with FalConfig: a host sets the retry policy of its runtime's configuration.
@_exported import struct FalClient.RetryPolicy

extension FalRuntime {
  /// Everything a runtime is created from. Nothing here reads the environment except
  /// `fromEnvironment()`, so a host decides where its key and hosts come from.
  public struct Configuration: Sendable {
    /// The client configuration: key, run/queue/REST/CDN URLs, user agent, backup hosts.
    public var client: FalConfig
    /// A PEM file of CA certificates to verify TLS peers against (nil: libcurl's default).
    public var caBundle: String?
    /// When to retry a failed request and how long to wait between attempts.
    public var retry: RetryPolicy
    /// Run the code as untrusted (docs/sandbox.md); nil runs it with the full Lua library.
    public var sandbox: Sandbox?

    /// A configuration for the real platform with `key`, libcurl's CAs, the default retries and
    /// no sandbox.
    public init(key: String? = nil, caBundle: String? = nil, retry: RetryPolicy = RetryPolicy(), sandbox: Sandbox? = nil) {
      self.init(client: FalConfig(key: key), caBundle: caBundle, retry: retry, sandbox: sandbox)
    }

    /// A configuration from a client configuration.
    public init(client: FalConfig, caBundle: String? = nil, retry: RetryPolicy = RetryPolicy(), sandbox: Sandbox? = nil) {
      self.client = client
      self.caBundle = caBundle
      self.retry = retry
      self.sandbox = sandbox
    }

    /// The API key (`client.key`).
    public var key: String? {
      get { client.key }
      set { client.key = newValue }
    }

    /// What the `falua` command reads: `FAL_KEY` (or `FAL_KEY_ID` and `FAL_KEY_SECRET`), the host
    /// overrides (DESIGN.md §6), and `CURL_CA_BUNDLE` or `SSL_CERT_FILE`.
    public static func fromEnvironment(_ env: [String: String]? = nil) -> Configuration {
      let env = env ?? Environment.values(FalConfig.variables + ["CURL_CA_BUNDLE", "SSL_CERT_FILE"])
      let bundle = [env["CURL_CA_BUNDLE"], env["SSL_CERT_FILE"]].compactMap { $0 }.first { !$0.isEmpty }
      return Configuration(client: .fromEnvironment(env), caBundle: bundle)
    }
  }
}
