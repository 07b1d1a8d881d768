import FalClient
import LuaKit

/// The `fal.core` table: thin Lua functions over `Core`, one file per feature
/// (`CoreBindings+Loop`, `+Config`, `+Queue`, `+Stream`, `+Realtime`, `+Storage`, `+Crypto`).
/// The Lua side validated the user's values; these read their arguments strictly
/// (`Lua+Arguments`, `OptionReader`) and push completions (`CoreBindings+Completion`).
enum CoreBindings {
  static func push(_ core: Core, onto lua: Lua) {
    lua.newTable()
    registerLoop(core, lua)
    registerConfig(core, lua)
    registerQueue(core, lua)
    registerStream(core, lua)
    registerRealtime(core, lua)
    registerStorage(core, lua)
    registerCrypto(lua)
    registerJournal(lua)
  }
}
