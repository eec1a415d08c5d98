import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The page cache per index: a write makes stale the pages of what it touched (its index, the
/// indices built on it, the pages across indices), and the other indices' pages stay cached,
/// through the real server.
struct PageCacheTests {
    static let json = [("Accept", "application/vnd.pypi.simple.v1+json")]

    static func upload(_ name: String, _ version: String, to index: String, on server: LocalIndex, in folder: TemporaryFolder) async throws {
        let path = try await makeDistribution(in: folder, name, version)
        let form = HTTP.uploadForm(filename: (path as NSString).lastPathComponent, content: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        let reply = try await HTTP.send(.POST, "\(server.baseURL)/\(index)/", headers: [("Authorization", TestServer.alice), ("Content-Type", form.contentType)],
                                        body: form.body)
        guard reply.status == 200 || reply.status == 201 else { throw TestFailure("upload to \(index): \(reply.status) \(reply.text)") }
    }

    /// The page's ETag and body.
    static func page(_ path: String, on server: LocalIndex) async throws -> (etag: String, text: String) {
        let reply = try await HTTP.send(.GET, server.baseURL + path, headers: json)
        guard reply.status == 200, let etag = reply.headers["ETag"].first else { throw TestFailure("\(path): \(reply.status) \(reply.text)") }
        return (etag, reply.text)
    }

    /// `/+metrics`' count of cached-page requests with `result`.
    static func counted(_ result: String, on server: LocalIndex) async throws -> Int {
        let metrics = try await HTTP.send(.GET, server.baseURL + "/+metrics").text
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("wheelwright_page_cache_requests_total{result=\"\(result)\"}") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// `/+metrics`' count of pages answered before the router.
    static func answeredEarly(on server: LocalIndex) async throws -> Int {
        let metrics = try await HTTP.send(.GET, server.baseURL + "/+metrics").text
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("wheelwright_pages_answered_early_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("a cached simple page answered before the router: the router's bytes and headers, a new X-Request-Id, Date and Server, 304 for its ETag, HEAD without a body; a private index's page, a login, a query and a page not yet cached go to the router")
    func answeredBeforeTheRouter() async throws {
        let server = try await LocalIndex()
        let folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["volatile": true]), ("secret", ["volatile": true, "acl_read": ["alice"]])])
        try await Self.upload("demo", "1.0", to: "alice/dev", on: server, in: folder)
        try await Self.upload("demo", "1.0", to: "alice/secret", on: server, in: folder)
        let url = server.baseURL + "/alice/dev/+simple/demo/"
        let rendered = try await HTTP.send(.GET, url, headers: Self.json)
        let hits = try await Self.counted("hit", on: server)
        #expect(try await Self.answeredEarly(on: server) == 0)
        let cached = try await HTTP.send(.GET, url, headers: Self.json)
        #expect(cached.status == 200 && cached.body == rendered.body)
        for field in ["ETag", "Content-Type", "Content-Length", "Vary", "Cache-Control", "X-Content-Type-Options", "Server"] {
            #expect(cached.headers[field] == rendered.headers[field] && !cached.headers[field].isEmpty, "\(field)")
        }
        let ids = [rendered, cached].compactMap { $0.headers["X-Request-Id"].first }
        #expect(ids.count == 2 && ids[0] != ids[1] && cached.headers["Date"].first?.hasSuffix(" GMT") == true)
        #expect(try await Self.counted("hit", on: server) == hits + 1)
        #expect(try await Self.answeredEarly(on: server) == 1)

        let etag = try #require(cached.headers["ETag"].first)
        let held = try await HTTP.send(.GET, url, headers: Self.json + [("If-None-Match", etag)])
        #expect(held.status == 304 && held.body.isEmpty && held.headers["ETag"].first == etag)
        let head = try await HTTP.send(.HEAD, url, headers: Self.json)
        #expect(head.status == 200 && head.body.isEmpty && head.headers["Content-Length"] == rendered.headers["Content-Length"])
        #expect(try await Self.answeredEarly(on: server) == 3, "the 304 and the HEAD too")
        #expect(try await HTTP.send(.GET, url + "?x=1", headers: Self.json).body == rendered.body)
        #expect(try await HTTP.send(.HEAD, url + "?x=1", headers: Self.json).headers["Content-Length"] == rendered.headers["Content-Length"],
                "the router's HEAD says the length too")
        #expect(try await Self.answeredEarly(on: server) == 3, "a query goes to the router")

        // A private index's page, cached for alice, is never answered to anyone else.
        let secret = server.baseURL + "/alice/secret/+simple/demo/"
        for _ in 0..<2 { #expect(try await HTTP.send(.GET, secret, headers: Self.json + [("Authorization", TestServer.alice)]).status == 200) }
        #expect(try await HTTP.send(.GET, secret, headers: Self.json).status == 401)
        #expect(try await HTTP.send(.GET, secret, headers: Self.json + [("Authorization", HTTP.basic("root", TestServer.rootPassword))]).status == 200)
        #expect(try await Self.answeredEarly(on: server) == 3, "a private index's pages are the router's")
    }

    @Test("an upload makes stale its index's pages and those of indices built on it, not another index's (its ETag kept, a hit); a settings change makes every page stale")
    func scopedInvalidation() async throws {
        let server = try await LocalIndex()
        let folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["volatile": true]), ("other", ["volatile": true]),
                                            ("derived", ["volatile": true, "bases": ["alice/dev"]])])
        try await Self.upload("demo", "1.0", to: "alice/dev", on: server, in: folder)
        try await Self.upload("demo", "1.0", to: "alice/other", on: server, in: folder)
        let other = try await Self.page("/alice/other/+simple/demo/", on: server)
        let derived = try await Self.page("/alice/derived/+simple/demo/", on: server)
        let derivedList = try await Self.page("/alice/derived/+simple/", on: server)
        let (hits, renders) = (try await Self.counted("hit", on: server), try await Self.counted("render", on: server))
        #expect(renders >= 3)

        try await Self.upload("demo", "2.0", to: "alice/dev", on: server, in: folder)
        #expect(try await Self.page("/alice/other/+simple/demo/", on: server) == other)
        let derivedAfter = try await Self.page("/alice/derived/+simple/demo/", on: server)
        #expect(derivedAfter.etag != derived.etag && derivedAfter.text.contains("demo-2.0"))
        #expect(try await Self.page("/alice/derived/+simple/", on: server).etag != derivedList.etag)
        #expect(try await Self.page("/alice/dev/+simple/demo/", on: server).text.contains("demo-2.0"))
        #expect(try await Self.counted("hit", on: server) == hits + 1)
        #expect(try await Self.counted("render", on: server) == renders + 3)

        // A quarantine in the base reaches the derived index's page, and still not the other's.
        let status = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+status/demo", auth: TestServer.alice,
                                         ["status": "quarantined", "reason": "a test"])
        #expect(status.status == 200, "\(status.text)")
        #expect(try await Self.page("/alice/other/+simple/demo/", on: server) == other)
        let quarantined = try await Self.page("/alice/derived/+simple/demo/", on: server)
        #expect(quarantined.etag != derivedAfter.etag && !quarantined.text.contains("demo-2.0"))

        // Settings are the catalog's structure: every page is made again.
        let patched = try await HTTP.json(.PATCH, "\(server.baseURL)/alice/dev", auth: TestServer.alice, ["acl_upload": ["alice"]])
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try await Self.page("/alice/other/+simple/demo/", on: server).etag != other.etag)
    }
}
