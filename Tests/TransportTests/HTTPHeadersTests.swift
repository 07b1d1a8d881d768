import Testing
import Transport

@Suite struct HTTPHeadersTests {
  @Test func subscriptIsCaseInsensitiveAndKeepsOrder() {
    var headers: HTTPHeaders = ["Content-Type": "application/json", "X-A": "1"]
    headers.add(name: "x-a", value: "2")
    #expect(headers["content-type"] == "application/json")
    #expect(headers["X-a"] == "1")
    #expect(headers.values(for: "X-A") == ["1", "2"])
    #expect(headers.map(\.name) == ["Content-Type", "X-A", "x-a"])
  }

  @Test func replaceOrAddKeepsThePositionOfTheFirstField() {
    var headers: HTTPHeaders = ["A": "1", "B": "2", "a": "3"]
    headers.replaceOrAdd(name: "a", value: "9")
    #expect(headers.map(\.name) == ["a", "B"])
    #expect(headers["A"] == "9")
    headers.replaceOrAdd(name: "C", value: "3")
    #expect(headers.map(\.value) == ["9", "2", "3"])
  }

  @Test func subscriptSetterReplacesAndRemoves() {
    var headers: HTTPHeaders = ["A": "1", "a": "2"]
    headers["A"] = "3"
    #expect(headers.count == 1 && headers["a"] == "3")
    headers["a"] = nil
    #expect(headers.isEmpty && !headers.contains(name: "A"))
  }

  @Test func equalityIgnoresNameCaseButNotOrder() {
    let ab: HTTPHeaders = ["A": "1", "B": "2"]
    #expect(ab == ["a": "1", "b": "2"])
    #expect(ab != ["B": "2", "A": "1"])
    #expect(ab != ["A": "1", "B": "3"])
  }
}
