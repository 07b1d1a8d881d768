import ArgumentParser
import FalRuntime
import FoundationEssentials

/// `falua call ENDPOINT [key=value ...]`: one request without a script (`fal.call` does the work).
struct Call: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Call an endpoint once and print its result as JSON.",
    discussion: """
      Each key=value is an input field. A value that parses as JSON is that value (numbers, booleans, objects, arrays, "quoted strings"); anything else is a string. key=@file.json reads JSON from a file, key=@- from standard input, key=@image.png uploads the file and passes its URL. The result goes to stdout (pretty JSON, or compact with --json); errors go to stderr with exit status 1.

      Examples:
        falua call fal-ai/flux/schnell prompt='a red fox' num_images=2
        falua call fal-ai/flux/schnell prompt='a red fox' --save out/
        falua call fal-ai/flux/dev/image-to-image image_url=@cat.png \\
          prompt='as a painting'
        falua call fal-ai/any-llm prompt='Say hi' --stream --json
        falua call fal-ai/echo --run options=@options.json
        echo '{"x": 1}' | falua call fal-ai/echo input=@- --json --local
      """
  )

  @Argument(help: "The endpoint, such as fal-ai/flux/schnell.") var endpoint: String
  @Argument(help: "Input fields: key=value, key=@file.json, key=@-, key=@image.png.") var fields: [String] = []

  @Option(help: ArgumentHelp("A path after the endpoint, such as /image-to-image.", valueName: "path")) var path: String?
  @Flag(help: "Go through the queue and wait for the result (the default; progress on a terminal).") var queue = false
  @Flag(name: .customLong("run"), help: "Call the endpoint directly, without the queue.") var direct = false
  @Flag(help: "Stream the endpoint's events and print each as it arrives.") var stream = false
  @Flag(help: "Print the request's log lines on stderr as they arrive (queue only).") var logs = false
  @Option(help: ArgumentHelp("Download the files the result links to into this folder.", valueName: "dir")) var save: String?
  @Flag(help: "Print compact JSON (one line per result or event), for pipes.") var json = false
  @OptionGroup var shared: SessionOptions

  func validate() throws {
    if [queue, direct, stream].filter({ $0 }).count > 1 {
      throw ValidationError("choose one of --queue, --run and --stream")
    }
    if logs && (direct || stream) { throw ValidationError("--logs needs the queue (not --run or --stream)") }
    for field in fields where !field.contains("=") || field.hasPrefix("=") {
      throw ValidationError("expected key=value, got '\(field)'")
    }
  }

  func run() throws {
    if let save { try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true) }
    let session = try Session(shared)
    defer { session.close() }
    let mode = direct ? "run" : stream ? "stream" : "queue"
    let settings = [endpoint, mode, path ?? "", logs ? "logs" : "", save ?? "", json ? "json" : ""]
    do {
      try session.runtime.run(code: "return require('fal.call').main(...)", name: "=falua call",
        arguments: settings + fields)
    } catch let error as FalRuntimeError {
      Terminal.error("falua call: \(error.message)\n")
      throw ExitCode(error.kind == "interrupted" ? 130 : 1)
    }
  }
}
