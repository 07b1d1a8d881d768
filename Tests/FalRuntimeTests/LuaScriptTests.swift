import Testing

/// Every `Tests/lua/*_test.lua` script, each against its own emulator.
@Suite struct LuaScriptTests {
  @Test(arguments: LuaScriptHarness.scripts)
  func script(_ name: String) throws {
    try LuaScriptHarness.run(name)
  }
}
