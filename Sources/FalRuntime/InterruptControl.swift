import CFalua
import Glibc
import Synchronization

/// A runtime's interrupt state (falua_control, which its Lua state points at) and the wake pipe of
/// its loop: what a stop from another thread touches. After the runtime closes it, a stop does
/// nothing (the pipe's descriptor may have been reused).
final class InterruptControl: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<falua_control>
  private let wakeFD: Int32
  private let isOpen = Mutex(true)

  init(wakeFD: Int32) {
    self.wakeFD = wakeFD
    pointer = .allocate(capacity: 1)
    pointer.initialize(to: falua_control())
  }

  /// Interrupts the running code and wakes the loop, from any thread.
  func stop() {
    isOpen.withLock { isOpen in
      guard isOpen else { return }
      falua_control_interrupt(pointer)
      var byte: UInt8 = 1
      _ = write(wakeFD, &byte, 1)
    }
  }

  /// The runtime is going away.
  func close() {
    isOpen.withLock { $0 = false }
    // Ctrl-C must not reach a runtime that is gone.
    falua_release_signal_target(pointer)
  }

  deinit { pointer.deallocate() }
}
