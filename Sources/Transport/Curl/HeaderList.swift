import CTransport

// curl only reads CURLOPT_HTTPHEADER, so transfers that send the same headers share one list: a
// client sends the same few on every call, and building the list (two allocations a line) was a
// tenth of a request's own work (issue 10).
/// The curl header list of a request's headers, freed with the last transfer using it.
final class HeaderList {
  /// What the list was built from.
  let headers: HTTPHeaders
  let sendsBody: Bool
  /// The list to set as CURLOPT_HTTPHEADER.
  private(set) var list: UnsafeMutablePointer<curl_slist>?

  /// Builds the list, with `Expect:` (no 100-continue round trip) and, for a body without a
  /// Content-Type, `Content-Type:` (not the form-urlencoded one curl would invent), unless the
  /// headers have them. Fails when a name or value contains CR or LF.
  init(_ headers: HTTPHeaders, sendsBody: Bool) throws(TransportError) {
    self.headers = headers
    self.sendsBody = sendsBody
    var line: [UInt8] = []
    func append(_ text: String) {
      var text = text
      text.withUTF8 { line.append(contentsOf: $0) }
    }
    for (name, value) in headers {
      line.removeAll(keepingCapacity: true)
      append(name)
      // "Name;" is curl's spelling of a header with an empty value.
      if value.isEmpty {
        line.append(UInt8(ascii: ";"))
      } else {
        line.append(UInt8(ascii: ":"))
        line.append(UInt8(ascii: " "))
        append(value)
      }
      if line.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
        // A CR or LF would let a value smuggle extra header lines or a second request.
        throw TransportError(
          kind: .other, message: "header \(name) contains a line break",
          curlCode: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue))
      }
      line.append(0)
      list = line.withUnsafeBufferPointer {
        $0.withMemoryRebound(to: CChar.self) { curl_slist_append(list, $0.baseAddress) }
      }
    }
    if !headers.contains(name: "Expect") { list = curl_slist_append(list, Self.noExpect.cString) }
    if sendsBody && !headers.contains(name: "Content-Type") {
      list = curl_slist_append(list, Self.noContentType.cString)
    }
  }

  deinit { curl_slist_free_all(list) }

  /// Whether the list says exactly `headers` (names spelled the same).
  func matches(_ headers: HTTPHeaders, sendsBody: Bool) -> Bool {
    sendsBody == self.sendsBody && headers.isIdentical(to: self.headers)
  }

  /// Lines that make curl send no such header (StaticStrings: C strings without a copy).
  private static let noExpect: StaticString = "Expect:", noContentType: StaticString = "Content-Type:"
}
