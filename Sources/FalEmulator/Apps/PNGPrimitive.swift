import CPNG
import Foundation
import LuaKit

/// `ctx.png(width, height, seed = 0) -> bytes` for apps and realtime apps: the C encoder's
/// deterministic gradient.
enum PNGPrimitive {
  static func gradient(_ lua: Lua, maxSide: Int) throws -> Int32 {
    guard let width = lua.integer(at: 1), let height = lua.integer(at: 2),
      (1...maxSide).contains(width), (1...maxSide).contains(height)
    else {
      throw LuaError(message: "ctx.png: width and height must be integers from 1 to \(maxSide)")
    }
    var seed = 0
    if !lua.isNoneOrNil(3) {
      guard let value = lua.integer(at: 3) else {
        throw LuaError(message: "ctx.png: seed must be an integer")
      }
      seed = value
    }
    var size = 0
    guard let png = falua_png_gradient(UInt32(width), UInt32(height), UInt64(bitPattern: Int64(seed)), &size)
    else {
      throw LuaError(message: "ctx.png: out of memory")
    }
    defer { free(png) }
    lua.push(bytes: Array(UnsafeBufferPointer(start: png, count: size)))
    return 1
  }
}
