import Foundation
import Testing

/// `falua --sandbox`: the options reach the runtime, a violation exits 1 with the rule named.
@Suite struct SandboxCommandTests {
  @Test func aViolationEndsTheScriptWithItsRule() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = directory.appendingPathComponent("s.lua")
    try """
      local f = assert(io.open(arg[1] .. "/out.txt", "w")) f:write("ok") f:close()
      print(fal.run("fal-ai/echo", { n = 1 }).n)
      io.open("/etc/hostname")
      """.write(to: script, atomically: true, encoding: .utf8)
    let result = try Falua.run(["--local", "--sandbox", "--allow-write", directory.path, script.path, directory.path])
    #expect(result.status == 1)
    #expect(result.stdout == "1\n")
    #expect(result.stderr.hasPrefix("falua: sandbox: reading /etc/hostname is not allowed (rule: allow-read)\n"), "\(result.stderr)")
    #expect(try String(contentsOf: directory.appendingPathComponent("out.txt"), encoding: .utf8) == "ok")
  }

  @Test func limitsFromTheCommandLine() throws {
    let memory = try Falua.run(["--sandbox", "--max-memory", "8M", "-e", "local t = {} for i = 1, 1e9 do t[i] = {} end"])
    #expect(memory.status == 1)
    #expect(memory.stderr.hasPrefix("falua: sandbox: memory limit of 8 MiB reached (rule: max-memory)\n"), "\(memory.stderr)")
    let time = try Falua.run(["--sandbox", "--max-time", "0.2", "-e", "while true do end"])
    #expect(time.status == 1)
    #expect(time.stderr.hasPrefix("falua: sandbox: time budget of 0.2 s spent (rule: max-time)\n"), "\(time.stderr)")
    let misuse = try Falua.run(["--max-time", "1", "-e", "print(1)"])
    #expect(misuse.status != 0)
    #expect(misuse.stderr.contains("--allow-read, --allow-write, --max-memory and --max-time need --sandbox"), "\(misuse.stderr)")
  }
}
