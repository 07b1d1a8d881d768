// A String passed where C wants `const char *` is copied into a new array when it is small
// (stored inline, up to 15 bytes): "http,https" and "Expect:" were allocated for every request.
extension StaticString {
  /// The literal's bytes as a NUL-terminated C string.
  var cString: UnsafePointer<CChar> { UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self) }
}
