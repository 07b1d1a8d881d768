/// Ordered HTTP header fields; names compare case-insensitively, order and duplicates are kept.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
  /// One header field as it goes on the wire.
  public typealias Element = (name: String, value: String)

  private var fields: [(name: String, value: String)]

  /// Creates headers from ordered pairs.
  public init(_ fields: [(name: String, value: String)] = []) {
    self.fields = fields
  }

  /// Creates headers from a literal, keeping the literal's order.
  public init(dictionaryLiteral elements: (String, String)...) {
    self.fields = elements.map { (name: $0.0, value: $0.1) }
  }

  /// Number of fields, counting duplicates.
  public var count: Int { fields.count }

  /// True when there are no fields.
  public var isEmpty: Bool { fields.isEmpty }

  /// The first value for `name` (case-insensitive); setting replaces all of them, nil removes them.
  public subscript(name: String) -> String? {
    get { fields.first { Self.sameName($0.name, name) }?.value }
    set {
      if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
    }
  }

  /// Every value for `name`, in order.
  public func values(for name: String) -> [String] {
    fields.filter { Self.sameName($0.name, name) }.map(\.value)
  }

  /// True when a field named `name` exists.
  public func contains(name: String) -> Bool {
    fields.contains { Self.sameName($0.name, name) }
  }

  /// Makes room for `count` fields in all.
  public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

  /// Appends a field, keeping existing ones of the same name.
  public mutating func add(name: String, value: String) {
    fields.append((name: name, value: value))
  }

  /// Sets the first field named `name` in place and drops the others; appends when there is none.
  public mutating func replaceOrAdd(name: String, value: String) {
    guard let first = fields.firstIndex(where: { Self.sameName($0.name, name) }) else {
      fields.append((name: name, value: value))
      return
    }
    fields[first] = (name: name, value: value)
    var index = fields.index(after: first)
    while index < fields.endIndex {
      if Self.sameName(fields[index].name, name) { fields.remove(at: index) } else { index += 1 }
    }
  }

  /// Removes every field named `name`.
  public mutating func remove(name: String) {
    fields.removeAll { Self.sameName($0.name, name) }
  }

  /// Continues the last field's value (obsolete line folding in a received head).
  mutating func extendLastValue(with text: String) {
    guard !fields.isEmpty else { return }
    fields[fields.count - 1].value += " " + text
  }

  /// Iterates the fields in order.
  public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
    fields.makeIterator()
  }

  /// Equal when the same fields appear in the same order (names compared case-insensitively).
  public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
    lhs.fields.count == rhs.fields.count
      && zip(lhs.fields, rhs.fields).allSatisfy { sameName($0.name, $1.name) && $0.value == $1.value }
  }

  /// The same fields in the same order, names spelled the same (what goes on the wire).
  func isIdentical(to other: HTTPHeaders) -> Bool {
    fields.count == other.fields.count && zip(fields, other.fields).allSatisfy { $0 == $1 }
  }

  /// ASCII case-insensitive comparison: header names are tokens, so no Unicode folding is needed.
  static func sameName(_ a: String, _ b: String) -> Bool { ASCII.equalIgnoringCase(a, b) }
}
