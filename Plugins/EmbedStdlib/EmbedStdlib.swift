import Foundation
import PackagePlugin

/// Embeds the Lua files of `stdlib/` into the target at build time, so an installed binary needs no
/// files beside it: FalRuntime gets `stdlib/fal`, FalEmulator gets `stdlib/apps`.
@main
struct EmbedStdlib: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let folder = target.name == "FalEmulator" ? "apps" : "fal"
    let directory = context.package.directoryURL.appending(path: "stdlib").appending(path: folder)
    let files = try FileManager.default.contentsOfDirectory(
      at: directory, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "lua" }.sorted { $0.path < $1.path }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLua.swift")
    return [
      .buildCommand(
        displayName: "Embedding stdlib/\(folder)",
        executable: try context.tool(named: "EmbedTool").url,
        arguments: [output.path, folder] + files.map(\.path),
        inputFiles: files,
        outputFiles: [output]
      )
    ]
  }
}
