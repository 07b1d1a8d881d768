import FalClient
import Testing

@Suite struct EndpointIDTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let id: String
    let namespace: String?
    let owner: String
    let alias: String
    let path: String?
    let appPath: String
    var testDescription: String { id }
  }

  static let valid: [Case] = [
    Case(
      id: "fal-ai/flux/schnell", namespace: nil, owner: "fal-ai", alias: "flux", path: "schnell",
      appPath: "fal-ai/flux"),
    Case(
      id: "fal-ai/flux/dev/image-to-image", namespace: nil, owner: "fal-ai", alias: "flux",
      path: "dev/image-to-image",
      appPath: "fal-ai/flux"),
    Case(
      id: "fal-ai/fast-sdxl", namespace: nil, owner: "fal-ai", alias: "fast-sdxl", path: nil,
      appPath: "fal-ai/fast-sdxl"),
    Case(
      id: "workflows/me/wf", namespace: "workflows", owner: "me", alias: "wf", path: nil,
      appPath: "workflows/me/wf"),
    Case(
      id: "workflows/me/wf/sub/path", namespace: "workflows", owner: "me", alias: "wf", path: "sub/path",
      appPath: "workflows/me/wf"),
    Case(id: "comfy/me/wf", namespace: "comfy", owner: "me", alias: "wf", path: nil, appPath: "comfy/me/wf"),
    Case(id: "123-myapp", namespace: nil, owner: "123", alias: "myapp", path: nil, appPath: "123/myapp"),
    Case(id: "123-my-app", namespace: nil, owner: "123", alias: "my-app", path: nil, appPath: "123/my-app"),
    Case(
      id: "fal-ai/flux/", namespace: nil, owner: "fal-ai", alias: "flux", path: nil, appPath: "fal-ai/flux"),
  ]

  @Test(arguments: valid)
  func parses(_ item: Case) throws {
    let endpoint = try EndpointID(parsing: item.id)
    #expect(endpoint.namespace == item.namespace)
    #expect(endpoint.owner == item.owner)
    #expect(endpoint.alias == item.alias)
    #expect(endpoint.path == item.path)
    #expect(endpoint.appPath == item.appPath)
    #expect(endpoint.fullPath == item.path.map { "\(item.appPath)/\($0)" } ?? item.appPath)
    #expect(endpoint.description == endpoint.fullPath)
  }

  @Test(arguments: [
    "myapp", "", "abc-def", "123-", "-myapp", "123-my_app", "12a-app", "fal-ai", "workflows/me", "comfy/me/",
    "/flux", "fal-ai//schnell", "fal-ai/../x", "fal-ai/flux/./x",
  ])
  func refuses(_ id: String) {
    #expect {
      _ = try EndpointID(parsing: id)
    } throws: { error in
      guard let error = error as? FalError else { return false }
      return error.kind == .usage
        && error.message == "Invalid app id: \(id). Must be in the format <appOwner>/<appId>"
    }
  }

  @Test func legacyIDsEqualTheirSlashForm() throws {
    #expect(try EndpointID(parsing: "123-myapp") == EndpointID(parsing: "123/myapp"))
  }
}
