/// A parsed endpoint id (PROTOCOL.md §1.1): `[namespace/]owner/alias[/path]`.
public struct EndpointID: Sendable, Hashable, CustomStringConvertible {
  /// `workflows` or `comfy`, when the id starts with one of them.
  public var namespace: String?
  /// The app's owner (`fal-ai`).
  public var owner: String
  /// The app's alias (`flux`).
  public var alias: String
  /// Everything after the alias (`schnell`, `dev/image-to-image`), nil when empty.
  public var path: String?

  private static let namespaces = ["workflows", "comfy"]

  /// Parses an id; a legacy `123-myapp` becomes `123/myapp`.
  public init(parsing id: String) throws(FalError) {
    let normalized = try Self.normalized(id)
    // Byte slices, and Strings only for the fields: every call parses its endpoint (issue 10).
    var parts = normalized.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
    if let first = parts.first.map(Substring.init), Self.namespaces.contains(where: { $0 == first }) {
      namespace = String(first)
      parts.removeFirst()
    }
    // Both official clients index past the end here and crash; an error is kinder. Dot segments
    // are refused too: curl would resolve them and send the request (and the key) to another path.
    guard parts.count >= 2, let owner = parts.first, let alias = parts.dropFirst().first, !owner.isEmpty,
      !alias.isEmpty, !parts.contains(where: Self.isDotSegment)
    else { throw Self.invalid(id) }
    self.owner = String(Substring(owner))
    self.alias = String(Substring(alias))
    // The rest of the id from the third segment on: the segments joined by "/" as they were.
    let rest = parts.dropFirst(2).first.map { normalized.utf8[$0.startIndex...] }
    path = rest.flatMap { $0.isEmpty ? nil : String(Substring($0)) }
  }

  /// `namespace/owner/alias`: what queue follow-up URLs use.
  public var appPath: String {
    var text = namespace.map { $0 + "/" } ?? ""
    text += owner
    text += "/"
    text += alias
    return text
  }

  /// `appPath` plus `/path`: what run and submit URLs use.
  public var fullPath: String {
    guard let path else { return appPath }
    return appPath + "/" + path
  }

  /// The normalised id, as `fullPath`.
  public var description: String { fullPath }

  /// Step 1 of §1.1: ids with a `/` pass, `123-myapp` becomes `123/myapp`, others are refused.
  private static func normalized(_ id: String) throws(FalError) -> String {
    if id.utf8.contains(UInt8(ascii: "/")) { return id }
    guard let dash = id.firstIndex(of: "-") else { throw invalid(id) }
    let number = id[..<dash]
    let name = id[id.index(after: dash)...]
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else { throw invalid(id) }
    return "\(number)/\(name)"
  }

  /// `.` or `..`.
  private static func isDotSegment(_ segment: Substring.UTF8View) -> Bool {
    (1...2).contains(segment.count) && segment.allSatisfy { $0 == UInt8(ascii: ".") }
  }

  private static func invalid(_ id: String) -> FalError {
    FalError.usage("Invalid app id: \(id). Must be in the format <appOwner>/<appId>")
  }
}
