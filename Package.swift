// swift-tools-version:6.2
import PackageDescription

// Debian's C libraries (Lua, libcurl, wslay, msgpuck, OpenSSL's libcrypto, zlib) are linked by the C
// target; every Swift module reaches them through it.
let package = Package(
  name: "falua",
  products: [
    .executable(name: "falua", targets: ["falua"]),
    .library(name: "FalRuntime", targets: ["FalRuntime"]),
    .library(name: "FalEmulator", targets: ["FalEmulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
  ],
  targets: [
    .target(
      name: "CFalua",
      cSettings: [.headerSearchPath("."), .unsafeFlags(["-I/usr/include/lua5.4", "-O2"])],
      linkerSettings: [
        .linkedLibrary("lua5.4"), .linkedLibrary("curl"), .linkedLibrary("z"), .linkedLibrary("wslay"),
        .linkedLibrary("msgpuck"), .linkedLibrary("crypto"),
      ]
    ),
    .systemLibrary(name: "CEditLine", pkgConfig: "libedit"),
    .target(name: "LuaKit", dependencies: ["CFalua"]),
    .target(name: "Transport", dependencies: ["CFalua"]),
    .target(name: "FalClient", dependencies: ["Transport"]),
    .target(
      name: "FalRuntime",
      dependencies: ["FalClient", "LuaKit", "CFalua"],
      plugins: ["EmbedStdlib"]
    ),
    .target(
      name: "FalEmulator",
      dependencies: [
        "LuaKit", "CFalua", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
      ],
      plugins: ["EmbedStdlib"]
    ),
    .executableTarget(
      name: "falua",
      dependencies: [
        "FalRuntime", "FalEmulator", "CEditLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "EmbedTool"),
    .plugin(name: "EmbedStdlib", capability: .buildTool(), dependencies: ["EmbedTool"]),
    .testTarget(name: "CFaluaTests", dependencies: ["CFalua"], exclude: ["json_differential.py"]),
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
  ],
  swiftLanguageModes: [.v5]
)
