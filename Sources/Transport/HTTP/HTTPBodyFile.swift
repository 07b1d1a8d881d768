/// A request body read from a region of a file while it is sent, so a large upload never sits in memory.
public struct HTTPBodyFile: Sendable, Equatable {
  /// Path of the file.
  public var path: String
  /// First byte of the region.
  public var offset: Int
  /// Bytes to send from `offset`.
  public var length: Int

  /// The region `offset ..< offset + length` of the file at `path`.
  public init(path: String, offset: Int = 0, length: Int) {
    self.path = path
    self.offset = offset
    self.length = length
  }
}
