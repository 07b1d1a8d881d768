import Foundation
import PackagePlugin

/// Embeds the Lua files of `stdlib/` into the target at build time, so an installed binary needs no
/// files beside it: FalRuntime gets `stdlib/fal`; FalEmulator gets `stdlib/apps` (the built-in
/// apps) and `stdlib/emulator` (the Lua halves of its app runner and realtime session).
@main
struct EmbedStdlib: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let folders = target.name == "FalEmulator" ? ["apps", "emulator"] : ["fal"]
    let stdlib = context.package.directoryURL.appending(path: "stdlib")
    let files = try folders.flatMap { folder in
      try FileManager.default.contentsOfDirectory(
        at: stdlib.appending(path: folder), includingPropertiesForKeys: nil
      ).filter { $0.pathExtension == "lua" }
    }.sorted { $0.path < $1.path }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLua.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(folders.map { "stdlib/\($0)" }.joined(separator: ", "))",
        executable: try context.tool(named: "EmbedTool").url,
        // FalRuntime's modules as bytecode, loaded at every start; the emulator reads its apps' source.
        arguments: (target.name == "FalRuntime" ? ["--bytecode"] : []) + [output.path] + files.map(\.path),
        inputFiles: files,
        outputFiles: [output]
      )
    ]
  }
}
