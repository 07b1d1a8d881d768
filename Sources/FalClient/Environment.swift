import Glibc

// ProcessInfo.environment copies the whole environment into a dictionary each time it is read:
// about a seventh of falua's start-up when several places each read one variable.
/// Environment variables, read one at a time.
package enum Environment {
  /// The variable's value; nil when unset.
  package static subscript(name: String) -> String? { getenv(name).map { String(cString: $0) } }

  /// The variables of `names` that are set, by name.
  package static func values(_ names: [String]) -> [String: String] {
    var values: [String: String] = [:]
    for name in names { values[name] = self[name] }
    return values
  }
}
