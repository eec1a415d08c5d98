import Foundation
import IndexServer
import NIOHTTP1
import TestSupport
import Testing

/// Bad uploads and requests: each gets a 4xx whose body says what is wrong, and nothing changes.
@Suite("Index server: bad input")
struct BadInputTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let alice = TestServer.alice

    init() async throws {
        var limits = ServerLimits()
        limits.maximumUploadSize = 1 << 20
        server = try await LocalIndex(limits: limits)
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", [:])])
    }

    func upload(_ filename: String, _ content: [UInt8], fields: [(String, String)] = [], index: String = "alice/dev",
                contentType: String? = nil, cut: Int = 0) async throws -> HTTP.Reply {
        let form = HTTP.uploadForm(filename: filename, content: content, fields: fields)
        return try await HTTP.send(.POST, "\(server.baseURL)/\(index)/",
                                   headers: [("Authorization", alice), ("Content-Type", contentType ?? form.contentType)],
                                   body: Array(form.body.dropLast(cut)))
    }

    /// The refusal, and proof that nothing was stored or left behind.
    func expectRefused(_ reply: HTTP.Reply, _ status: Int, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(reply.status == status, "\(reply.status): \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.text.localizedCaseInsensitiveContains(words), "\(reply.text)", sourceLocation: sourceLocation)
        let list = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect((list.json["projects"] as? [Any])?.isEmpty == true, "nothing may be stored", sourceLocation: sourceLocation)
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: server.data.appendingPathComponent("tmp").path)
        #expect(temporaries.isEmpty, "no temporary file may remain", sourceLocation: sourceLocation)
    }

    func wheel(_ name: String = "good", _ version: String = "1.0") async throws -> [UInt8] {
        let path = try await makeDistribution(in: folder, name, version)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("names: path traversal, separators, unknown index or user")
    func names() async throws {
        let good = try await wheel()
        try await expectRefused(try await upload("../good-1.0-py3-none-any.whl", good), 400, "invalid filename")
        try await expectRefused(try await upload("a/good-1.0-py3-none-any.whl", good), 400, "invalid filename")
        try await expectRefused(try await upload("good.exe", good), 400, "expected a wheel")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, index: "alice/missing"), 404, "does not exist")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, index: "nobody/dev"), 404, "does not exist")
        let encodedSlash = try await HTTP.send(.GET, "\(server.baseURL)/alice/de%2Fv/+simple/")
        #expect(encodedSlash.status == 400 && encodedSlash.text.contains("invalid index name"))
    }

    @Test("archives: metadata that disagrees, not a zip, no METADATA, a zip bomb")
    func archives() async throws {
        try await expectRefused(try await upload("other-1.0-py3-none-any.whl", try await wheel()), 400, "but its")
        try await expectRefused(try await upload("good-2.0-py3-none-any.whl", try await wheel()), 400, "but its")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", Array("not a zip".utf8)), 400, "not a readable archive")
        let sdist = try await makeDistribution(in: folder, "good", "1.0", sdist: true)
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", [UInt8](try Data(contentsOf: URL(fileURLWithPath: sdist)))), 400, "readable")
        let bomb = try await runTool(Repository.tool("python"), ["-c", """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("bomb-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: bomb\\nVersion: 1.0\\n" + " " * (200 << 20))
            """, folder.path("bomb-1.0-py3-none-any.whl")])
        #expect(bomb.status == 0)
        try await expectRefused(try await upload("bomb-1.0-py3-none-any.whl", [UInt8](try Data(contentsOf: folder.url.appendingPathComponent("bomb-1.0-py3-none-any.whl")))), 400, "zip bomb")
        let empty = try await runTool(Repository.tool("python"), ["-c", """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("empty/__init__.py", "")
            """, folder.path("empty-1.0-py3-none-any.whl")])
        #expect(empty.status == 0)
        try await expectRefused(try await upload("empty-1.0-py3-none-any.whl", [UInt8](try Data(contentsOf: folder.url.appendingPathComponent("empty-1.0-py3-none-any.whl")))), 400, "has no *.dist-info/METADATA")
    }

    @Test("the form: digest mismatch, truncated body, wrong content type, oversize, non-UTF-8 field")
    func form() async throws {
        let good = try await wheel()
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, fields: [("sha256_digest", String(repeating: "0", count: 64))]), 400, "sha256_digest does not match")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, fields: [("md5_digest", String(repeating: "0", count: 32))]), 400, "md5_digest does not match")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, fields: [("blake2_256_digest", String(repeating: "0", count: 64))]), 400, "blake2_256_digest does not match")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, cut: 30), 400, "truncated")
        try await expectRefused(try await upload("good-1.0-py3-none-any.whl", good, contentType: "application/json"), 400, "multipart/form-data")
        let random = (0..<(2 << 20)).map { _ in UInt8.random(in: 0...255) }
        try await expectRefused(try await upload("big-1.0-py3-none-any.whl", random), 413, "larger than the limit")
        var form = HTTP.uploadForm(filename: "good-1.0-py3-none-any.whl", content: good, fields: [("summary", "x")])
        if let range = findSubsequence(Array("\r\n\r\nx\r\n".utf8), in: form.body) {
            form.body.replaceSubrange((range + 4)...(range + 4), with: [0xFF, 0xFE])
        }
        let reply = try await HTTP.send(.POST, "\(server.baseURL)/alice/dev/", headers: [("Authorization", alice), ("Content-Type", form.contentType)], body: form.body)
        try await expectRefused(reply, 400, "not UTF-8")
    }

    @Test("huge headers are refused by the HTTP layer without harm")
    func hugeHeaders() async throws {
        let reply = try? await HTTP.send(.GET, "\(server.baseURL)/+health", headers: [("X-Big", String(repeating: "a", count: 200_000))])
        #expect(reply == nil || (400..<500).contains(reply!.status))
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/+health").status == 200)
    }
}

func findSubsequence(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle {
        return index
    }
    return nil
}
