import Foundation
import Testing

/// A C locale whose decimal point is a comma, or nil when none can be had. Installed locales are
/// tried first; otherwise one is compiled with localedef into a temporary directory (LOCPATH is set
/// only while newlocale loads it, and the directory is removed afterwards).
let commaLocale: locale_t? = {
  let mask = Int32(1) << LC_NUMERIC
  for name in ["de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8", "nl_NL.UTF-8"] {
    if let locale = newlocale(mask, name, nil) { return locale }
  }
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("falua-locales-\(getpid())")
  try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  let localedef = Process()
  localedef.executableURL = URL(fileURLWithPath: "/usr/bin/localedef")
  localedef.arguments = ["-i", "de_DE", "-f", "UTF-8", directory.appendingPathComponent("de_DE.UTF-8").path]
  localedef.standardOutput = FileHandle.nullDevice
  localedef.standardError = FileHandle.nullDevice
  guard (try? localedef.run()) != nil else { return nil }
  localedef.waitUntilExit()
  // The loaded locale stays usable once its files are gone: they are read or mapped by newlocale.
  defer { try? FileManager.default.removeItem(at: directory) }
  setenv("LOCPATH", directory.path, 1)
  defer { unsetenv("LOCPATH") }
  return newlocale(mask, "de_DE.UTF-8", nil)
}()

/// Numbers must not depend on the C locale's decimal point, which strtod and printf follow.
@Suite struct JSONLocaleTests {
  @Test(.enabled(if: commaLocale != nil, "no locale with a decimal comma available"))
  func numbersIgnoreTheDecimalComma() throws {
    // uselocale is per thread, and this synchronous test runs on one thread: nothing else is affected.
    let previous = uselocale(commaLocale!)
    defer { uselocale(previous) }
    #expect(strtod("1.5", nil) == 1.0, "the locale is active: C stops reading at the '.'")

    let lua = LuaJSON()
    #expect(try lua.eval("return tostring(0.5)") == "0,5", "Lua's own tostring follows the locale")
    #expect(try lua.encode("{0.5, 1.25e-7, 1e300, 5e-324, 2^53, -0.0, 0.1}") ==
      "[0.5,1.25e-07,1e+300,5e-324,9007199254740992.0,-0.0,0.1]")
    #expect(try lua.roundTrip("[2.5, -0.0, 1.5e3, 0.000123, 123456.789e-2, 1E-400, 9223372036854775808]") ==
      "[2.5,-0.0,1500.0,0.000123,1234.56789,0.0,9.223372036854776e+18]")
    #expect(try lua.eval("return json.decode('0.1') == 1/10 and json.decode('1' .. ('0'):rep(150) .. '.5') == 1e150") == "true")
  }
}
