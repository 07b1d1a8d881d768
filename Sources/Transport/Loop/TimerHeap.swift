// Cancelled timers are not removed here: the loop skips ids it no longer knows and compacts.
/// Min-heap of timer deadlines; ties break by id, so timers due together run in scheduling order.
struct TimerHeap {
  struct Entry {
    var deadline: Double
    var id: TimerID
  }

  private var entries: [Entry] = []

  var count: Int { entries.count }

  /// The entry with the earliest deadline.
  var first: Entry? { entries.first }

  mutating func insert(_ entry: Entry) {
    entries.append(entry)
    siftUp(entries.count - 1)
  }

  @discardableResult
  mutating func removeFirst() -> Entry? {
    guard !entries.isEmpty else { return nil }
    entries.swapAt(0, entries.count - 1)
    let first = entries.removeLast()
    if !entries.isEmpty { siftDown(0) }
    return first
  }

  /// Keeps only the entries `isLive` accepts and restores the heap order.
  mutating func compact(keeping isLive: (TimerID) -> Bool) {
    entries.removeAll { !isLive($0.id) }
    for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
  }

  private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
    a.deadline < b.deadline || (a.deadline == b.deadline && a.id.raw < b.id.raw)
  }

  private mutating func siftUp(_ index: Int) {
    var child = index
    while child > 0 {
      let parent = (child - 1) / 2
      guard Self.precedes(entries[child], entries[parent]) else { return }
      entries.swapAt(child, parent)
      child = parent
    }
  }

  private mutating func siftDown(_ index: Int) {
    var parent = index
    while true {
      var smallest = parent
      for child in [2 * parent + 1, 2 * parent + 2]
      where child < entries.count && Self.precedes(entries[child], entries[smallest]) {
        smallest = child
      }
      guard smallest != parent else { return }
      entries.swapAt(parent, smallest)
      parent = smallest
    }
  }
}
