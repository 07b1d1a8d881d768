/// Objects the Lua side holds by integer id (stream sessions, realtime connections): Lua keeps
/// the number, Swift the object, so nothing Swift-owned hangs off a Lua value.
final class HandleTable<Object> {
  private var objects: [Int: Object] = [:]
  private var lastID = 0
  /// Named in the error for an id that is not (or no longer) here: "stream", "realtime connection".
  private let noun: String

  init(noun: String) { self.noun = noun }

  /// Asked for an id that is not (or no longer) in the table.
  struct Closed: Error, CustomStringConvertible {
    let description: String
  }

  /// Stores `object` and returns its new id.
  func insert(_ object: Object) -> Int {
    lastID += 1
    objects[lastID] = object
    return lastID
  }

  /// The object whose id is `id`, or an error saying it is closed.
  func get(_ id: Int?) throws(Closed) -> Object {
    guard let id, let object = objects[id] else { throw Closed(description: "fal.core: \(noun) is closed") }
    return object
  }

  /// Forgets and returns the object; nil when it was not there.
  func remove(_ id: Int?) -> Object? {
    guard let id else { return nil }
    return objects.removeValue(forKey: id)
  }

  /// How many objects are held.
  var count: Int { objects.count }
}
