// Header names and URL schemes are ASCII tokens: comparing bytes needs no Unicode case mapping
// (lowercased() builds a new String), and these run for every request (issue 10).
/// ASCII case-insensitive comparisons.
enum ASCII {
  /// `byte` with A-Z mapped to a-z.
  static func lower(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
  }

  /// Whether `a` and `b` are equal but for the case of ASCII letters.
  static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { a in
      b.withUTF8 { b in a.count == b.count && zip(a, b).allSatisfy { lower($0) == lower($1) } }
    }
  }

  /// Whether `text` starts with `prefix`, a lowercase ASCII string, whatever the case of `text`.
  static func hasPrefix(_ text: String, lowercase prefix: StaticString) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      bytes.count >= prefix.utf8CodeUnitCount
        && zip(bytes, UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
          .allSatisfy { lower($0) == $1 }
    }
  }
}
