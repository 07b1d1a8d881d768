import Testing

@testable import Transport

@Suite struct TimerHeapTests {
  @Test func popsByDeadlineThenByID() {
    var heap = TimerHeap()
    var generator = SystemRandomNumberGenerator()
    var expected: [TimerHeap.Entry] = []
    for raw in 1...200 as ClosedRange<UInt64> {
      let entry = TimerHeap.Entry(
        deadline: Double(Int.random(in: 0..<20, using: &generator)), id: TimerID(raw: raw))
      heap.insert(entry)
      expected.append(entry)
    }
    expected.sort { ($0.deadline, $0.id.raw) < ($1.deadline, $1.id.raw) }
    var popped: [UInt64] = []
    while let entry = heap.removeFirst() { popped.append(entry.id.raw) }
    #expect(popped == expected.map(\.id.raw))
  }

  @Test func compactKeepsOrderOfLiveEntries() {
    var heap = TimerHeap()
    for raw in 1...50 as ClosedRange<UInt64> {
      heap.insert(.init(deadline: Double(50 - raw), id: TimerID(raw: raw)))
    }
    heap.compact { $0.raw % 3 == 0 }
    #expect(heap.count == 16)
    var popped: [UInt64] = []
    while let entry = heap.removeFirst() { popped.append(entry.id.raw) }
    #expect(popped == stride(from: 48, through: 3, by: -3).map { UInt64($0) })
  }
}
