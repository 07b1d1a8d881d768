// swift-tools-version:6.2
import PackageDescription

// Debian's C libraries are linked by small C targets, one per concern, so that each Swift module
// depends only on the C it uses: CFalua (Lua, msgpuck, and the header-only Dragonbox and fast_float:
// the Lua bridge and the codecs), CTransport (libcurl, wslay, and CCrypto for the WebSocket
// handshake), CCrypto (libcrypto: SHA-1, SHA-256, Ed25519, random bytes), CSQLite (the request
// journal) and CPNG (zlib: the emulator's images). libcurl, libcrypto and libsqlite3 are opened on
// first use, not linked, so a start of falua does not pay for loading them (docs/design.md,
// "Start-up").
let package = Package(
  name: "falua",
  products: [
    .executable(name: "falua", targets: ["falua"]),
    .executable(name: "falua-serve", targets: ["falua-serve"]),
    .library(name: "FalRuntime", targets: ["FalRuntime"]),
    .library(name: "FalEmulator", targets: ["FalEmulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    // NIOWebSocket frames the emulator's realtime connections (FalEmulator/Realtime).
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
  ],
  targets: [
    .target(
      name: "CFalua",
      cSettings: [.headerSearchPath("."), .unsafeFlags(["-I/usr/include/lua5.4", "-O2"])],
      // float_text.cc: the JSON codec's float text through Dragonbox and fast_float (header-only C++).
      cxxSettings: [.unsafeFlags(["-I/usr/include/dragonbox-1.1.3", "-O2", "-fno-exceptions", "-fno-rtti"])],
      linkerSettings: [.linkedLibrary("lua5.4"), .linkedLibrary("msgpuck")]
    ),
    // libcurl is opened on first use, not linked (curl_library.c): the headers come from
    // libcurl4-openssl-dev, the library from libcurl4 at run time.
    .target(name: "CTransport", dependencies: ["CCrypto"], linkerSettings: [.linkedLibrary("wslay")]),
    // libcrypto is opened on first use as well (crypto.c); its headers come from libssl-dev.
    .target(name: "CCrypto"),
    .target(name: "CPNG", linkerSettings: [.linkedLibrary("z")]),
    .systemLibrary(name: "CEditLine", pkgConfig: "libedit"),
    .target(name: "LuaKit", dependencies: ["CFalua"]),
    .target(name: "Transport", dependencies: ["CTransport"]),
    .target(name: "FalClient", dependencies: ["Transport"]),
    .target(
      name: "FalRuntime",
      dependencies: ["FalClient", "LuaKit", "CFalua", "CCrypto", "FalJournal"],
      plugins: ["EmbedStdlib"]
    ),
    .target(
      name: "FalEmulator",
      dependencies: [
        "LuaKit", "CFalua", "CCrypto", "CPNG", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOWebSocket", package: "swift-nio"),
      ],
      plugins: ["EmbedStdlib"]
    ),
    // falua links the Swift runtime statically, FoundationEssentials only and not the emulator's
    // server stack, which is falua-serve's: it starts in a few milliseconds (docs/design.md,
    // "Start-up").
    .executableTarget(
      name: "falua",
      dependencies: [
        "FalRuntime", "CEditLine", "CFalua", "CTransport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["link-order.txt"],
      linkerSettings: [
        // -static-stdlib links the runtime; the autolinked FoundationEssentials needs its two
        // helpers named. lld (the toolchain's) packs the relative relocations (RELR: 7 KB instead
        // of 907 KB of .rela.dyn read at every start) and, in release builds, places the functions
        // of link-order.txt (scripts/link_order.sh) first, so a run touches fewer text pages.
        .unsafeFlags([
          "-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims",
          "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
        ]),
        .unsafeFlags(
          [
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/falua/link-order.txt",
            "-Xlinker", "--no-warn-symbol-ordering",
          ], .when(configuration: .release)),
      ]
    ),
    .executableTarget(
      name: "falua-serve",
      dependencies: ["FalEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .executableTarget(name: "EmbedTool", dependencies: ["CFalua"]),
    .plugin(name: "EmbedStdlib", capability: .buildTool(), dependencies: ["EmbedTool"]),
    // The request journal (issue 12): SQLite (libsqlite3-dev) in WAL mode.
    // libsqlite3 is opened on first use (sqlite_library.c); its headers come from libsqlite3-dev.
    .target(name: "CSQLite"),
    .target(name: "FalJournal", dependencies: ["CSQLite"]),
    .testTarget(
      name: "CFaluaTests", dependencies: ["CFalua"], exclude: ["json_differential.py", "msgpack_differential.py"]
    ),
    .testTarget(name: "LuaKitTests", dependencies: ["LuaKit"]),
    .target(
      name: "TestSupport", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
      path: "Tests/TestSupport"
    ),
    .testTarget(name: "TransportTests", dependencies: [
      "Transport", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
    ]),
    .testTarget(name: "FalClientTests", dependencies: [
      "FalClient", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
    ]),
    .testTarget(name: "FalEmulatorTests", dependencies: ["FalEmulator", "Transport"], exclude: ["python"]),
    .testTarget(name: "FalRuntimeTests", dependencies: [
      "FalRuntime", "FalEmulator", "FalClient", "Transport", "LuaKit",
    ]),
    .testTarget(name: "FaluaTests", dependencies: ["FalEmulator", "Transport", "FalClient"]),
    // The embedding example (issue 13): a target of this package rather than a package of its own, so
    // the tests build it with everything else, from the same checkout, in one build.
    .executableTarget(name: "EmbedPipeline", dependencies: ["FalRuntime"], path: "Examples/EmbedPipeline"),
  ],
  swiftLanguageModes: [.v5]
)
