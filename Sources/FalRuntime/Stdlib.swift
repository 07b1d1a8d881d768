import CFalua
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

    for (name, source) in sources() {
      do {
        try lua.load(source, name: "@" + name.replacing(".", with: "/") + ".lua")
        lua.rawSet(field: name, in: preload)
      } catch {
        fatalError("embedded stdlib module \(name) does not compile: \(error)")
      }
    }
    lua.pop(2)
  }

  /// The embedded modules, or the files of `$FALUA_STDLIB_DIR` (a `stdlib/fal` checkout) when set,
  /// so the Lua half can be edited without rebuilding.
  private static func sources() -> [String: String] {
    guard let directory = ProcessInfo.processInfo.environment["FALUA_STDLIB_DIR"] else {
      return EmbeddedLua.sources
    }
    var sources: [String: String] = [:]
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for file in files where file.hasSuffix(".lua") {
      let base = String(file.dropLast(4))
      let name = base == "init" ? "fal" : "fal." + base
      sources[name] = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)
    }
    return sources
  }
}
