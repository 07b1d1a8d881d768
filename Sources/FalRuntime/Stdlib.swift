import CFalua
import FalClient
import FoundationEssentials
import LuaKit

/// Registers the Lua half of the API: `fal.core` (the Swift primitives), `fal.json` (the C codec)
/// and every embedded `stdlib/fal` module, as `package.preload` entries so `require` finds them.
enum Stdlib {
  static func install(in lua: Lua, core: Core, sandbox: SandboxGuard? = nil) {
    lua.getGlobal("package")
    lua.rawGet(field: "preload", in: -1)
    let preload = lua.absolute(-1)

    lua.push(function: { lua in
      CoreBindings.push(core, onto: lua)
      return 1
    })
    lua.rawSet(field: "fal.core", in: preload)

    if let sandbox {
      lua.push(function: { lua in
        sandbox.push(onto: lua)
        return 1
      })
      lua.rawSet(field: "fal.sandbox_core", in: preload)
    }

    lua.push(cFunction: falua_open_json)
    lua.rawSet(field: "fal.json", in: preload)

    // Each module is loaded when first required, from the embedded bytecode: a script pays only
    // for the modules it uses, and never for compiling them (docs/design.md, "Start-up").
    let chunks = chunks()
    lua.push(function: { lua in
      let name = lua.string(at: 1) ?? ""
      guard let chunk = chunks[name]?() else { throw LuaError(message: "no stdlib module '\(name)'") }
      try chunk.withUnsafeBytes { try lua.load(chunk: $0, name: "@" + name.split(separator: ".").joined(separator: "/") + ".lua") }
      return 1
    })
    lua.newTable()
    for (index, name) in chunks.keys.enumerated() {
      lua.push(name)
      lua.rawSet(index: index + 1, in: -2)
    }
    do {
      try lua.load("""
        local load_module, names, preload = ...
        for _, name in ipairs(names) do
          preload[name] = function(...) return load_module(name)(...) end
        end
        """, name: "=stdlib")
      lua.insert(at: -3)
      lua.pushValue(at: preload)
      try lua.call(arguments: 3, results: 0)
    } catch {
      fatalError("the stdlib loaders cannot be installed: \(error)")
    }
    lua.pop(2)
  }

  /// Module name -> its chunk: the embedded bytecode, or the files of `$FALUA_STDLIB_DIR` (a
  /// `stdlib/fal` checkout) when set, so the Lua half can be edited without rebuilding.
  private static func chunks() -> [String: () -> [UInt8]?] {
    guard let directory = Environment["FALUA_STDLIB_DIR"] else {
      return EmbeddedLua.chunks.mapValues { encoded in { Data(base64Encoded: encoded).map(Array.init) } }
    }
    var chunks: [String: () -> [UInt8]?] = [:]
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for file in files where file.hasSuffix(".lua") {
      let base = String(file.dropLast(4))
      let name = base == "init" ? "fal" : "fal." + base
      chunks[name] = { FileManager.default.contents(atPath: directory + "/" + file).map(Array.init) }
    }
    return chunks
  }
}
