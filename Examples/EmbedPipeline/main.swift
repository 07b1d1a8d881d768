// An application embedding falua: it runs a pipeline its user wrote in Lua (`pipeline.lua`, read at
// run time, so changing it needs no rebuild), gives it one function of its own (`host.save`, a
// write to the application's JSON-lines database), calls its `main(input)` and prints the result.
// The pipeline runs sandboxed: it may read its own folder and reach the fal hosts, nothing else.
//
//   EmbedPipeline pipeline.lua '{"prompt": "a fox"}' [--db results.jsonl]
import FalRuntime
import Foundation

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("EmbedPipeline: \(message)\n".utf8))
  exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var database = "results.jsonl"
if let flag = arguments.firstIndex(of: "--db") {
  guard flag + 1 < arguments.count else { fail("--db needs a file") }
  database = arguments[flag + 1]
  arguments.removeSubrange(flag...(flag + 1))
}
guard arguments.count == 2 else { fail("usage: EmbedPipeline pipeline.lua INPUT_JSON [--db FILE]") }
let pipelineFile = arguments[0]

// Key and hosts from the environment, as the falua command reads them; the sandbox from here.
var configuration = FalRuntime.Configuration.fromEnvironment()
let folder = URL(fileURLWithPath: pipelineFile).deletingLastPathComponent().path
configuration.sandbox = FalRuntime.Sandbox(allowRead: [folder], maxMemory: 256 << 20, maxTime: 120)

do {
  let runtime = try FalRuntime(configuration: configuration)
  runtime.installInterruptHandler()
  runtime.onLog = { line in FileHandle.standardError.write(Data("[\(line.endpoint)] \(line.message)\n".utf8)) }

  // host.save(record) appends the record to the database and returns its row number.
  var rows = (try? String(contentsOfFile: database, encoding: .utf8))?.split(separator: "\n").count ?? 0
  runtime.register(module: "host", [
    "save": { arguments in
      guard let record = arguments.first, record.objectValue != nil else {
        throw FalHostError(kind: "usage", "expected a record (a table with string keys)")
      }
      let line = try runtime.json(record) + "\n"
      guard let handle = FileHandle(forWritingAtPath: database) ?? {
        FileManager.default.createFile(atPath: database, contents: nil)
        return FileHandle(forWritingAtPath: database)
      }() else { throw FalHostError(kind: "io", "cannot open \(database)") }
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: Data(line.utf8))
      rows += 1
      return .int(rows)
    },
  ])

  let input = try runtime.value(json: arguments[1])
  let pipeline = try runtime.load(file: pipelineFile)
  let result = try pipeline.call("main", input)
  print(try runtime.json(result))
} catch let error as FalRuntimeError {
  fail(error.message)
} catch {
  fail("\(error)")
}
