import Glibc

// Foundation's String(format:) without Foundation, for the few fixed-decimal numbers in messages
// ("%.2f s", "%g MiB"). The text is C's printf in the "C" locale, which a Swift process keeps unless
// its host calls setlocale, so the wording is what String(format:) wrote.
extension String {
  /// `format`, a literal with one printf conversion of a double, applied to `value`.
  package init(printf format: StaticString, _ value: Double) {
    let format = format.description
    var buffer = [CChar](repeating: 0, count: 64)
    let length = Int(withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) })
    if length >= buffer.count {
      buffer = [CChar](repeating: 0, count: length + 1)
      _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    self = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
