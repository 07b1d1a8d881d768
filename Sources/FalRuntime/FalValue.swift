import CFalua
import LuaKit

/// A value crossing between Swift and Lua, by the rules of falua's JSON codec (docs/values.md):
/// integers stay integers, `null` is `fal.null` (a value, distinct from a missing one), arrays and
/// objects come back marked so that they encode back as they came (`[]` stays `[]`).
public enum FalValue: Equatable, Sendable {
  /// JSON `null`; `fal.null` in Lua.
  case null
  /// A boolean.
  case bool(Bool)
  /// A Lua integer (64-bit).
  case int(Int)
  /// A Lua float.
  case double(Double)
  /// A UTF-8 string.
  case string(String)
  /// A Lua string that is not valid UTF-8 (Lua strings are bytes); pushed as a Lua string.
  case bytes([UInt8])
  /// A list: a Lua table with keys 1...n, marked as an array.
  case array([FalValue])
  /// A record: a Lua table with string keys, marked as an object.
  case object([String: FalValue])

  /// The string, if this is `.string`.
  public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
  /// The integer, if this is `.int`.
  public var intValue: Int? { if case .int(let i) = self { i } else { nil } }
  /// The number, if this is `.int` or `.double`.
  public var doubleValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }
  /// The boolean, if this is `.bool`.
  public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
  /// The elements, if this is `.array`.
  public var arrayValue: [FalValue]? { if case .array(let a) = self { a } else { nil } }
  /// The members, if this is `.object`.
  public var objectValue: [String: FalValue]? { if case .object(let o) = self { o } else { nil } }

  /// The member `key` of an object (nil for a missing key or another case).
  public subscript(key: String) -> FalValue? { objectValue?[key] }
  /// The element at `index` of an array (nil when out of range or another case).
  public subscript(index: Int) -> FalValue? {
    guard let a = arrayValue, a.indices.contains(index) else { return nil }
    return a[index]
  }
}

extension FalValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  /// `nil` is `.null`.
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: FalValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, FalValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}

/// A Lua value that has no `FalValue`: a function, a mixed or sparse table, a cycle..., with the
/// path to it (`result.items[2]`).
struct FalValueError: Error, CustomStringConvertible {
  let path: String
  let problem: String
  var description: String { "\(path): \(problem)" }
}

// Nesting beyond this is refused, as the codec refuses it.
private let maxDepth = 200

extension Lua {
  /// Pushes `value` as the JSON decoder would build it.
  func push(_ value: FalValue) {
    ensureStack(4)
    switch value {
    case .null: falua_push_null(state)
    case .bool(let b): push(b)
    case .int(let i): push(i)
    case .double(let d): push(d)
    case .string(let s): push(s)
    case .bytes(let b): push(bytes: b)
    case .array(let elements):
      newTable(array: Int32(elements.count))
      for (i, element) in elements.enumerated() {
        push(element)
        rawSet(index: i + 1, in: -2)
      }
      mark(array: true)
    case .object(let members):
      newTable(record: Int32(members.count))
      for (key, member) in members {
        push(member)
        rawSet(field: key, in: -2)
      }
      mark(array: false)
    }
  }

  // Gives the table on the top the codec's array or object marker as its metatable.
  private func mark(array: Bool) {
    falua_push_markers(state)  // array marker, object marker
    remove(at: array ? -1 : -2)
    lua_setmetatable(state, -2)
  }

  /// The value at `index` by the codec's rules; `path` names it in errors. Lua `nil` is `.null`.
  func falValue(at index: Int32, path: String) throws -> FalValue {
    let value = absolute(index)
    falua_push_markers(state)
    let markers = absolute(-2)
    defer { pop(2) }
    return try falValue(at: value, path: path, markers: markers, depth: 0, seen: [])
  }

  private func falValue(at index: Int32, path: String, markers: Int32, depth: Int, seen: Set<UnsafeRawPointer>)
    throws -> FalValue
  {
    switch type(at: index) {
    case .none, .nil: return .null
    case .boolean: return .bool(bool(at: index))
    case .number:
      if lua_isinteger(state, index) != 0 { return .int(Int(lua_tointegerx(state, index, nil))) }
      return .double(lua_tonumberx(state, index, nil))
    case .string:
      let raw = bytes(at: index) ?? []
      if let text = String(validating: raw, as: UTF8.self) { return .string(text) }
      return .bytes(raw)
    case .lightUserdata where falua_is_null(state, index) != 0:
      return .null
    case .table:
      return try table(at: index, path: path, markers: markers, depth: depth, seen: seen)
    case let other:
      throw FalValueError(path: path, problem: "cannot convert a \(other.name)")
    }
  }

  private func table(at index: Int32, path: String, markers: Int32, depth: Int, seen: Set<UnsafeRawPointer>)
    throws -> FalValue
  {
    guard let pointer = lua_topointer(state, index) else { return .null }
    if seen.contains(pointer) { throw FalValueError(path: path, problem: "cycle detected") }
    if depth >= maxDepth { throw FalValueError(path: path, problem: "nesting deeper than \(maxDepth)") }
    guard ensureStack(6) else { throw FalValueError(path: path, problem: "out of Lua stack space") }
    let seen = seen.union([pointer])
    let marker = falua_marker_at(state, index, markers)
    var strings: [String: FalValue] = [:]
    var integers: [Int: FalValue] = [:]
    try forEachPair(in: index) {
      if type(at: -2) == .string, let name = string(at: -2) {
        strings[name] = try falValue(at: absolute(-1), path: path + "." + name, markers: markers,
          depth: depth + 1, seen: seen)
      } else if type(at: -2) == .number, lua_isinteger(state, -2) != 0 {
        let n = Int(lua_tointegerx(state, -2, nil))
        integers[n] = try falValue(at: absolute(-1), path: path + "[\(n)]", markers: markers, depth: depth + 1, seen: seen)
      } else {
        throw FalValueError(path: path, problem: "unsupported key of type \(type(at: -2).name)")
      }
    }
    if marker == FALUA_MARKED_OBJECT || (marker != FALUA_MARKED_ARRAY && integers.isEmpty) {
      if let n = integers.keys.min() { throw FalValueError(path: path, problem: "object has non-string key \(n)") }
      return .object(strings)
    }
    if let key = strings.keys.min() {
      throw FalValueError(path: path, problem: marker == FALUA_MARKED_ARRAY
        ? "array has string key \(key)" : "mixed table: integer and string key \(key)")
    }
    var elements: [FalValue] = []
    elements.reserveCapacity(integers.count)
    for i in stride(from: 1, through: integers.count, by: 1) {
      guard let element = integers[i] else {
        throw FalValueError(path: path, problem: "sparse array: missing index \(i)")
      }
      elements.append(element)
    }
    return .array(elements)
  }
}
