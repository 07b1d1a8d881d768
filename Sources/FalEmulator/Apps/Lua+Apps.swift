import CFalua
import LuaKit

// What the emulator adds to a Lua state to run apps in it.
extension Lua {
  /// Makes the C JSON codec table the global `json`.
  func openJSONGlobal() throws {
    push(cFunction: falua_open_json)
    try call(arguments: 0, results: 1)
    setGlobal("json")
  }

  /// Loads the embedded `stdlib/emulator/<name>.lua` chunk (the Lua half of a runner or a realtime
  /// session) and pushes the global `json` as its first argument: the caller pushes the others.
  func loadEmulatorChunk(_ name: String) throws {
    try openJSONGlobal()
    guard let source = EmbeddedLua.sources["emulator.\(name)"] else {
      throw LuaError(message: "stdlib/emulator/\(name).lua is not embedded")
    }
    try load(source, name: "=emulator/\(name)")
    getGlobal("json")
  }

  /// Runs an app file and leaves what it returned on the stack.
  func loadApp(_ source: String, fileName: String) throws {
    try load(source, name: "@" + fileName)
    try call(arguments: 0, results: 1)
  }
}

extension String {
  /// The message part of a rendered Lua error, without the traceback `Lua.call` appends.
  var withoutTraceback: String {
    guard let range = range(of: "\nstack traceback:") else { return self }
    return String(self[..<range.lowerBound])
  }
}
