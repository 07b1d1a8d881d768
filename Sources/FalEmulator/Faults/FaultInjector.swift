import Foundation

/// Decides, per fal request, whether to fail it or delay it: first the one-shot rules posted to
/// `/_emulator/faults`, then the random `FaultPlan`.
final class FaultInjector: @unchecked Sendable {
  /// "Fail the next `remaining` requests on `route` (nil: any) with `fault`."
  struct Rule {
    var fault: Fault
    var remaining: Int
    var route: RouteKind?
  }

  /// What to do with one request.
  enum Decision: Equatable {
    case proceed
    case fail(Fault)
    case delay(seconds: Double)
    /// Reset the connection, before reading the request or after handling it.
    case reset(afterHandling: Bool)
  }

  private let lock = NSLock()
  private let plan: FaultPlan
  private var random: SplitMix64
  private var rules: [Rule] = []

  init(plan: FaultPlan) {
    self.plan = plan
    random = SplitMix64(seed: plan.seed)
  }

  /// Adds a one-shot rule; rules fire in the order they were added.
  func add(_ rule: Rule) { lock.withLock { rules.append(rule) } }

  /// Rolls the dice for one request on `route`.
  func decide(route: RouteKind) -> Decision {
    lock.withLock {
      if let index = rules.firstIndex(where: { $0.route == nil || $0.route == route }) {
        rules[index].remaining -= 1
        let fault = rules[index].fault
        if rules[index].remaining <= 0 { rules.remove(at: index) }
        return .fail(fault)
      }
      for reset in plan.resets where reset.probability > 0 && (reset.route == nil || reset.route == route) {
        if random.nextUnit() < reset.probability { return .reset(afterHandling: reset.afterHandling) }
      }
      for failure in plan.failures
      where failure.probability > 0 && (failure.route == nil || failure.route == route) {
        if random.nextUnit() < failure.probability { return .fail(failure.fault) }
      }
      if plan.slowProbability > 0, random.nextUnit() < plan.slowProbability {
        return .delay(seconds: plan.slowSeconds)
      }
      return .proceed
    }
  }
}

extension FaultInjector {
  /// Whether the runner serving a queued request disconnects before answering (`disconnect=p`).
  func runnerDisconnects() -> Bool {
    lock.withLock { plan.disconnectProbability > 0 && random.nextUnit() < plan.disconnectProbability }
  }
}

/// A small seeded generator (SplitMix64), so a fault sequence can be replayed from its seed.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  mutating func nextUnit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
