import FalRuntime
import Testing

/// `fal.core` reads what the Lua side validated, strictly: a value of the wrong type reaching
/// Swift is an error naming it, never silently dropped (it used to become "no priority").
@Suite struct CoreArgumentTests {
  let runtime = try! FalRuntime(config: FalConfig())

  private func failure(_ code: String) -> String {
    guard case .failure(let text) = runtime.evaluate("local core = require('fal.core'); \(code)") else {
      return "<no failure>"
    }
    return text
  }

  @Test func wrongOptionTypesAreErrors() {
    #expect(
      failure("core.request('submit', 'fal-ai/echo', nil, nil, {priority = 'urgent'})")
        .contains(#"bad option priority: "normal" or "low" expected, got "urgent""#))
    #expect(
      failure("core.request('run', 'fal-ai/echo', nil, nil, {start_timeout = '5'})")
        .contains("bad option start_timeout: number expected, got string"))
    #expect(
      failure("core.request('run', 'fal-ai/echo', nil, nil, {headers = {['X-A'] = 1}})")
        .contains("bad option headers: string keys and values expected"))
    #expect(
      failure("core.storage_request('op', 'GET', 'http://127.0.0.1:1/', nil, nil, {retries = 'no'})")
        .contains("bad option retries: boolean expected, got string"))
  }

  @Test func wrongArgumentTypesAreErrors() {
    #expect(failure("core.request('status', 'fal-ai/echo', 7)").contains("bad argument #3 (request_id): string expected, got number"))
    #expect(failure("core.request('status', 'fal-ai/echo')").contains("request_id required for status"))
    #expect(failure("core.cancel('x')").contains("bad argument #1 (id): integer expected, got string"))
  }

  @Test func streamStatsNeedsAnIDInTheShippedRuntime() {
    #expect(failure("core.stream_stats()").contains("fal.core: stream is closed"))
  }
}
