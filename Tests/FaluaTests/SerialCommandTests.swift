import Testing

/// The suites that start `falua` processes (each with an emulator) one after the other: run side by
/// side on two cores they starve the emulator's own async tests.
@Suite(.serialized) struct SerialCommandTests {}
