import ArgumentParser

/// `falua completions SHELL`: the shell completion script the argument parser generates.
struct Completions: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a shell completion script (bash, zsh or fish).",
    discussion: """
      Examples:
        source <(falua completions bash)
        falua completions zsh > ~/.zfunc/_falua
        falua completions fish > ~/.config/fish/completions/falua.fish
      """
  )

  @Argument(help: "bash, zsh or fish.") var shell: CompletionShell

  func run() { print(Falua.completionScript(for: shell)) }
}

extension CompletionShell: @retroactive ExpressibleByArgument {}
