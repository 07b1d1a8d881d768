import CFalua
import Glibc

/// Ctrl-C (DESIGN.md §3): the handler only touches async-signal-safe state: it arms the Lua hook
/// (falua_interrupt), wakes the loop through its pipe, and on a second press exits at once.
enum Interrupt {
  nonisolated(unsafe) private static var wakeFD: Int32 = -1
  nonisolated(unsafe) private static var presses: sig_atomic_t = 0

  static func install(wakeFD fd: Int32, control: UnsafeMutablePointer<falua_control>) {
    wakeFD = fd
    falua_set_signal_target(control)
    // A parent may start us with SIGINT blocked (signal masks survive exec): take it back.
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &blocked, nil)
    signal(SIGINT) { _ in
      Interrupt.presses += 1
      if Interrupt.presses > 1 { _exit(130) }
      falua_interrupt()
      var byte: UInt8 = 1
      _ = write(Interrupt.wakeFD, &byte, 1)
    }
  }

  static func reset() { presses = 0 }
}
