import CFalua

/// A Swift function callable from Lua: reads its arguments from the stack, pushes its results and
/// returns how many. A thrown error becomes a Lua error raised by the C trampoline, after this
/// frame has returned (so `defer` blocks and deinitialisers always run).
public typealias LuaFunction = (Lua) throws -> Int32

/// An error that pushes its own Lua error value (a table, say) instead of a message string.
public protocol LuaRaisable: Error {
  /// Pushes the value `error()` should raise.
  func push(onto lua: Lua)
}

private final class FunctionBox {
  let function: LuaFunction
  init(_ function: @escaping LuaFunction) { self.function = function }
}

private let dispatch: falua_swift_fn = { state, context in
  let box = Unmanaged<FunctionBox>.fromOpaque(context!).takeUnretainedValue()
  let lua = Lua(state!)
  do {
    return try box.function(lua)
  } catch let error as LuaRaisable {
    error.push(onto: lua)
  } catch let error as LuaError {
    lua.push(error.message)
  } catch {
    lua.push(String(describing: error))
  }
  return FALUA_RAISE
}

private let release: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
  Unmanaged<FunctionBox>.fromOpaque(context!).release()
}

extension Lua {
  /// Pushes a Lua function that runs `function`; the closure lives as long as Lua references it.
  public func push(function: @escaping LuaFunction) {
    let context = Unmanaged.passRetained(FunctionBox(function)).toOpaque()
    falua_push_swift_function(state, dispatch, context, release)
  }

  /// Sets each function as a field of the table on the stack top.
  public func register(_ functions: [String: LuaFunction]) {
    for (name, function) in functions {
      push(function: function)
      rawSet(field: name, in: -2)
    }
  }

  /// Pushes a C function (one of the codec libraries, say).
  public func push(cFunction: lua_CFunction) { falua_pushcfunction(state, cFunction) }
}
