import CFalua
import FalClient
import FoundationEssentials
import Glibc
import LuaKit

extension FalRuntime {
  /// What code run in sandbox mode may do (docs/sandbox.md). Everything else it tries raises an
  /// error of kind "sandbox" naming the rule, and stops the pipeline (its queue requests are
  /// cancelled on the server); the host goes on.
  public struct Sandbox: Sendable, Equatable {
    /// Folders whose files (and subfolders') the code may read.
    public var allowRead: [String]
    /// Folders under which the code may create, write and replace files (also readable).
    public var allowWrite: [String]
    /// The most memory the Lua state may hold, in bytes (nil: no cap).
    public var maxMemory: Int?
    /// The longest one run or call may take, in seconds of wall-clock time (nil: no limit).
    public var maxTime: Double?
    /// Hosts reachable besides those of the configured fal URLs: `host`, `host:port`, or
    /// `*.domain` for any subdomain (results on the real platform come from `*.fal.media`).
    public var extraHosts: [String]

    /// A sandbox allowing nothing but requests to the configured fal hosts and `*.fal.media`.
    public init(allowRead: [String] = [], allowWrite: [String] = [], maxMemory: Int? = nil, maxTime: Double? = nil,
      extraHosts: [String] = ["*.fal.media"])
    {
      self.allowRead = allowRead
      self.allowWrite = allowWrite
      self.maxMemory = maxMemory
      self.maxTime = maxTime
      self.extraHosts = extraHosts
    }

    /// Parses a size with an optional K, M or G suffix (powers of 1024): "64M", "512k", "1048576".
    public static func parseSize(_ text: String) -> Int? {
      let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
      // Blanks around it are trimmed: CharacterSet.whitespaces, which are spaces and tabs.
      let isBlank = { (c: Character) in c.isWhitespace && !c.isNewline }
      var digits = text.lowercased().trimmingPrefix(while: isBlank)
      while let last = digits.last, isBlank(last) { digits.removeLast() }
      if digits.hasSuffix("b") { digits.removeLast() }
      var scale = 1
      if let last = digits.last, let unit = units[last] {
        scale = unit
        digits.removeLast()
      }
      guard let value = Int(digits), value > 0, value <= Int.max / scale else { return nil }
      return value * scale
    }
  }
}

/// The checks sandbox.lua asks Swift for (`require("fal.sandbox_core")`): whether a path may be
/// read or written (after resolving `..` and symbolic links), whether a URL's host is allowed, and
/// which resource limit was exceeded.
final class SandboxGuard {
  let policy: FalRuntime.Sandbox
  let limits: UnsafeMutableRawPointer?
  private let interrupt: InterruptControl
  private let readable: [String]
  private let writable: [String]
  private let hosts: [String]

  init(policy: FalRuntime.Sandbox, config: FalConfig, limits: UnsafeMutableRawPointer?, interrupt: InterruptControl) {
    self.policy = policy
    self.limits = limits
    self.interrupt = interrupt
    writable = policy.allowWrite.map(Self.resolve)
    readable = policy.allowRead.map(Self.resolve) + writable
    var hosts = [config.runURL, config.queueURL, config.restURL, config.cdnURL].compactMap(Self.authority)
    hosts += config.backupHosts.values.map { $0.lowercased() }
    hosts += policy.extraHosts.map { $0.lowercased() }
    self.hosts = hosts
  }

  // Component by component, as the kernel walks it: a `..` after a symbolic link leaves the
  // link's target, not the folder holding the link, so `allowed/link/../x` is checked where it is.
  // A link whose target does not exist yet is followed too: writing through it creates the target.
  /// `path` made absolute with `..`, `.` and symbolic links resolved; a missing file resolves
  /// through its nearest existing parent, so a new file's location is checked too.
  static func resolve(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var pending = absolute.split(separator: "/").map(String.init)[...]
    var parts: [String] = []
    var links = 0
    while let part = pending.popFirst() {
      if part == "." { continue }
      if part == ".." {
        _ = parts.popLast()
        continue
      }
      parts.append(part)
      let current = "/" + parts.joined(separator: "/")
      if let real = realpath(current, nil) {
        parts = String(cString: real).split(separator: "/").map(String.init)
        free(real)
      } else if links < 40, let target = danglingLinkTarget(current) {  // 40: the kernel's limit
        links += 1
        parts.removeLast()
        if target.hasPrefix("/") { parts = [] }
        pending = (target.split(separator: "/").map(String.init) + pending)[...]
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The target of the symbolic link at `path`, nil when `path` is not one.
  private static func danglingLinkTarget(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func inside(_ path: String, _ folders: [String]) -> Bool {
    folders.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
  }

  /// nil when `path` may be read, else the reason.
  func checkRead(_ path: String) -> String? {
    Self.inside(Self.resolve(path), readable) ? nil : "reading \(path) is not allowed (rule: allow-read)"
  }

  /// nil when `path` may be written, else the reason.
  func checkWrite(_ path: String) -> String? {
    Self.inside(Self.resolve(path), writable) ? nil : "writing \(path) is not allowed (rule: allow-write)"
  }

  /// The lowercased `host[:port]` of an absolute URL.
  static func authority(_ url: String) -> String? {
    guard let range = URLPolicy.authorityRange(of: url) else { return nil }
    var authority = String(decoding: url.utf8[range], as: UTF8.self).lowercased()
    if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
      authority = String(decoding: authority.utf8[authority.utf8.index(after: at)...], as: UTF8.self)
    }
    return authority.isEmpty ? nil : authority
  }

  /// nil when `url` may be fetched (a `data:` URI, or a host allowed), else the reason.
  func checkURL(_ url: String) -> String? {
    if url.lowercased().hasPrefix("data:") { return nil }
    guard let authority = Self.authority(url) else { return "\(url) is not an absolute URL (rule: hosts)" }
    let host = authority.hasPrefix("[")
      ? String(authority.prefix { $0 != "]" }) + "]"
      : String(authority.prefix { $0 != ":" })
    let allowed = hosts.contains { entry in
      if entry.hasPrefix("*.") { return host.hasSuffix(entry.dropFirst(1)) }
      return entry == authority || (!entry.contains(":") && entry == host)
    }
    return allowed ? nil : "the host \(authority) is not one of the configured fal hosts (rule: hosts)"
  }

  /// The limit exceeded since the last arm: its rule and message.
  func exceeded() -> (rule: String, message: String)? {
    guard let limits else { return nil }
    switch falua_limits_exceeded(limits) {
    case FALUA_LIMIT_MEMORY:
      let mib = Double(policy.maxMemory ?? 0) / 1_048_576
      return ("max-memory", String(printf: "memory limit of %g MiB reached (rule: max-memory)", mib))
    case FALUA_LIMIT_TIME:
      return ("max-time", String(printf: "time budget of %g s spent (rule: max-time)", policy.maxTime ?? 0))
    default: return nil
    }
  }

  /// The `fal.sandbox_core` table.
  func push(onto lua: Lua) {
    lua.newTable()
    func checker(_ check: @escaping (String) -> String?) -> LuaFunction {
      { lua in
        guard let value = lua.string(at: 1) else {
          lua.pushNil()
          lua.push("expected a string, got \(lua.type(at: 1).name)")
          return 2
        }
        if let reason = check(value) {
          lua.pushNil()
          lua.push(reason)
          return 2
        }
        lua.push(true)
        return 1
      }
    }
    lua.register([
      "check_read": checker(checkRead),
      "check_write": checker(checkWrite),
      "check_url": checker(checkURL),
      // () -> rule, message | nil
      "exceeded": { [unowned self] lua in
        guard let (rule, message) = exceeded() else { return 0 }
        lua.push(rule)
        lua.push(message)
        return 2
      },
      // Stops the pipeline as Ctrl-C does.
      "interrupt": { [interrupt] _ in
        falua_control_interrupt(interrupt.pointer)
        return 0
      },
    ])
  }
}

/// Owns the C limits of a sandboxed state; released after the state is closed (FalRuntime declares
/// it after its LuaVM).
final class LimitsOwner {
  let pointer: UnsafeMutableRawPointer?
  init(_ pointer: UnsafeMutableRawPointer?) { self.pointer = pointer }
  deinit { if let pointer { falua_limits_free(pointer) } }
}
