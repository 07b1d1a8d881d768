import Foundation

/// Random faults for retry tests, parsed from a spec like `ingress503=0.2,retry429=0.1,slow=0.1:2`
/// and drawn from a generator seeded by `seed`, so a failing run can be replayed.
public struct FaultPlan: Sendable {
  /// One way a request can fail, how often, and on which route (nil: any).
  struct Failure: Sendable {
    var fault: Fault
    var probability: Double
    var route: RouteKind? = nil
  }

  /// A connection reset, before the request is read or after it was handled (the reply is lost).
  struct Reset: Sendable {
    var afterHandling: Bool
    var probability: Double
    var route: RouteKind?
  }

  var failures: [Failure]
  var resets: [Reset] = []
  var slowProbability: Double
  var slowSeconds: Double
  /// How often a runner disconnects in the middle of a queued request (the queue runs it again).
  var disconnectProbability = 0.0
  var seed: UInt64

  /// No faults.
  public static let none = FaultPlan(failures: [], slowProbability: 0, slowSeconds: 0, seed: 0)

  init(failures: [Failure], slowProbability: Double, slowSeconds: Double, seed: UInt64) {
    self.failures = failures
    self.slowProbability = slowProbability
    self.slowSeconds = slowSeconds
    self.seed = seed
  }

  /// Parses comma-separated entries: `ingressNNN=p` (a 5xx from the "ingress": no `x-fal-request-id`
  /// and an nginx HTML body, which the Python client retries), `retryNNN=p` (a 4xx/5xx JSON error
  /// from fal itself, with `x-fal-request-id`), `slow=p:seconds` (the reply is delayed), `reset=p`
  /// (the connection is reset before the request is read), `reset_after=p` (reset after the request
  /// was handled: a submit is queued but its reply is lost), `disconnect=p` (a runner drops a queued
  /// request mid-run; the queue runs it again, as fal does, up to 10 attempts). `ROUTE:` before an
  /// entry (`status:retry500=0.1`; routes run, submit, status, result, cancel) limits it to that
  /// route. Probabilities are in 0...1; an empty spec means no faults.
  public init(parsing spec: String, seed: UInt64) throws {
    self = .none
    self.seed = seed
    for entry in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
    where !entry.isEmpty {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw Self.invalid(entry, "expected name=value") }
      var name = parts[0]
      let value = parts[1]
      var route: RouteKind?
      if let colon = name.firstIndex(of: ":") {
        guard let kind = RouteKind(rawValue: String(name[..<colon])) else {
          throw Self.invalid(entry, "unknown route (use run, submit, status, result or cancel)")
        }
        route = kind
        name = String(name[name.index(after: colon)...])
      }
      if name == "reset" || name == "reset_after" {
        resets.append(
          Reset(afterHandling: name == "reset_after", probability: try Self.probability(value, entry), route: route))
      } else if name == "disconnect" {
        guard route == nil else { throw Self.invalid(entry, "disconnect applies to queued requests, not a route") }
        disconnectProbability = try Self.probability(value, entry)
      } else if route != nil, name == "slow" {
        throw Self.invalid(entry, "slow applies to every route")
      } else if name == "slow" {
        let pieces = value.split(separator: ":").map(String.init)
        guard pieces.count == 2, let seconds = Double(pieces[1]), seconds >= 0, seconds.isFinite else {
          throw Self.invalid(entry, "expected slow=probability:seconds")
        }
        slowProbability = try Self.probability(pieces[0], entry)
        slowSeconds = seconds
      } else if name.hasPrefix("ingress"), let status = Int(name.dropFirst(7)), (500...599).contains(status) {
        failures.append(
          Failure(
            fault: Fault(status: status, ingress: true), probability: try Self.probability(value, entry),
            route: route))
      } else if name.hasPrefix("retry"), let status = Int(name.dropFirst(5)), (400...599).contains(status) {
        failures.append(
          Failure(
            fault: Fault(status: status, ingress: false), probability: try Self.probability(value, entry),
            route: route))
      } else {
        throw Self.invalid(
          entry, "unknown fault (use ingress5xx=p, retry4xx|5xx=p, slow=p:seconds, reset=p, reset_after=p or disconnect=p)")
      }
    }
  }

  private static func probability(_ text: String, _ entry: String) throws -> Double {
    guard let p = Double(text), (0...1).contains(p) else {
      throw invalid(entry, "probability must be a number from 0 to 1")
    }
    return p
  }

  private static func invalid(_ entry: String, _ reason: String) -> EmulatorError {
    EmulatorError("invalid fault '\(entry)': \(reason)")
  }
}

/// A reply the emulator sends instead of doing the work.
struct Fault: Sendable, Equatable {
  /// The HTTP status.
  var status: Int
  /// True for an ingress (nginx) error: HTML body and no `x-fal-request-id`.
  var ingress: Bool
  /// A body to send as is (as JSON, with `x-fal-request-id`): malformed replies for client tests.
  var body: String? = nil
}
