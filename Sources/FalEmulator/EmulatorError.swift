/// Why an emulator could not be created or started (a broken app file, a bad fault spec, a busy port).
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, naming the file, option or address involved.
  public var message: String
  /// Makes an error from a message.
  public init(_ message: String) { self.message = message }
  /// The message.
  public var description: String { message }
}
