import FalEmulator
import Foundation
import Testing

@Suite struct FluxTests {
  @Test func missingPromptIs422WithADetailList() async throws {
    let harness = try Harness()
    let reply = try await harness.run("fal-ai/flux/schnell", [String: Any]())
    #expect(reply.status == 422)
    #expect(reply.header("x-fal-request-id") != nil)
    let detail = try #require(reply.object["detail"] as? [[String: Any]])
    #expect(detail.count == 1)
    #expect(detail[0]["loc"] as? [String] == ["body", "prompt"])
    #expect(detail[0]["msg"] as? String == "field required")
    #expect(detail[0]["type"] as? String == "value_error.missing")

    let notString = try await harness.run("fal-ai/flux/schnell", ["prompt": 42])
    #expect(notString.status == 422)
    #expect((notString.object["detail"] as? [[String: Any]])?.first?["type"] as? String == "type_error.str")
    let tooMany = try await harness.run("fal-ai/flux/dev", ["prompt": "x", "num_images": 5])
    #expect(tooMany.status == 422)
    let badPath = try await harness.run("fal-ai/flux/pro", ["prompt": "x"])
    #expect(badPath.status == 404)
  }

  @Test func imagesAreRealPNGsServedByTheEmulator() async throws {
    let harness = try Harness()
    let input: [String: Any] = [
      "prompt": "a sunset", "image_size": ["width": 64, "height": 48], "num_images": 2, "seed": 7,
    ]
    let reply = try await harness.run("fal-ai/flux/schnell", input)
    #expect(reply.status == 200)
    let output = reply.object
    #expect(output["seed"] as? Int == 7)
    #expect(output["prompt"] as? String == "a sunset")
    #expect(output["has_nsfw_concepts"] as? [Bool] == [false, false])
    #expect((output["timings"] as? [String: Any])?["inference"] is Double)
    let images = try #require(output["images"] as? [[String: Any]])
    #expect(images.count == 2)
    var bodies: [Data] = []
    for image in images {
      #expect(image["width"] as? Int == 64)
      #expect(image["height"] as? Int == 48)
      #expect(image["content_type"] as? String == "image/png")
      let url = try #require(image["url"] as? String)
      #expect(url.hasPrefix("\(harness.emulator.cdnURL)/files/"))
      let file = try await HTTP.send("GET", url)
      #expect(file.status == 200)
      #expect(file.header("content-type") == "image/png")
      try PNGCheck.validate(file.body, width: 64, height: 48)
      bodies.append(file.body)
    }
    #expect(bodies[0] != bodies[1])

    // The same seed draws the same image.
    let again = try await harness.run("fal-ai/flux/schnell", input)
    let firstURL = try #require((again.object["images"] as? [[String: Any]])?.first?["url"] as? String)
    #expect(try await HTTP.send("GET", firstURL).body == bodies[0])
    #expect(try await HTTP.send("GET", "\(harness.emulator.cdnURL)/files/nothing.png").status == 404)
  }

  @Test func presetSizesAndStepLogs() async throws {
    let harness = try Harness()
    let id = try await harness.submitID(
      "fal-ai/flux/dev", ["prompt": "p", "image_size": "square", "num_inference_steps": 3])
    let status = try await harness.waitForStatus("fal-ai/flux", id, logs: "1")
    let messages = (status["logs"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
    #expect(messages == ["step 1/3", "step 2/3", "step 3/3"])
    let image = try #require(
      (try await harness.result("fal-ai/flux", id).object["images"] as? [[String: Any]])?.first)
    #expect(image["width"] as? Int == 512)
    #expect(image["height"] as? Int == 512)
    let file = try await HTTP.send("GET", try #require(image["url"] as? String))
    try PNGCheck.validate(file.body, width: 512, height: 512)
  }
}

/// Checks a PNG's structure: signature, IHDR first with the expected size, every chunk's CRC, IEND last.
enum PNGCheck {
  static func validate(_ data: Data, width: Int, height: Int) throws {
    let bytes = [UInt8](data)
    try #require(bytes.count > 8 + 25 + 12)
    #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var offset = 8
    var types: [String] = []
    while offset + 12 <= bytes.count {
      let length = Int(u32(bytes, offset))
      try #require(offset + 12 + length <= bytes.count)
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      types.append(type)
      let crc = u32(bytes, offset + 8 + length)
      #expect(crc == crc32(bytes[(offset + 4)..<(offset + 8 + length)]), "bad CRC in \(type)")
      if type == "IHDR" {
        #expect(Int(u32(bytes, offset + 8)) == width)
        #expect(Int(u32(bytes, offset + 12)) == height)
        #expect(bytes[offset + 16] == 8)  // bit depth
        #expect(bytes[offset + 17] == 2)  // RGB
      }
      offset += 12 + length
    }
    #expect(offset == bytes.count)
    #expect(types.first == "IHDR")
    #expect(types.last == "IEND")
    #expect(types.contains("IDAT"))
  }

  private static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
  }

  private static let table: [UInt32] = (0..<256).map { n in
    (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
  }

  private static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    ~bytes.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
  }
}
