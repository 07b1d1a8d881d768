/// "Did you mean …?" for a mistyped flag or command: the closest known name within a small edit
/// distance.
enum Suggestion {
  static func closest(to word: String, in names: [String]) -> String? {
    let scored = names.map { ($0, distance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
    return scored.min { $0.1 < $1.1 }?.0
  }

  /// "unknown option '--locl'; did you mean '--local'?"
  static func unknown(_ kind: String, _ word: String, in names: [String]) -> String {
    var text = "unknown \(kind) '\(word)'"
    if let best = closest(to: word, in: names) { text += "; did you mean '\(best)'?" }
    return text
  }

  // Levenshtein distance over characters.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(1, a.count) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return a.isEmpty ? b.count : row[b.count]
  }
}
