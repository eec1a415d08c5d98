import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IndexAPI
import IndexClient
@testable import IndexServer
import IndexStore
import Logging
import PythonPackaging
import TestSupport
import Testing

/// The API in process, through Hummingbird's router testing, on a temporary catalog: no
/// binary, no socket. (The end-to-end suites run the real server with pip, uv and twine.)
@Suite("Router in process")
struct RouterTests {
    let folder: TemporaryFolder
    let service: IndexService

    init() async throws {
        folder = try TemporaryFolder()
        service = try await IndexService(directory: folder.url.appendingPathComponent("data"))
        _ = try await service.bootstrapRoot(password: "root-secret")
    }

    static let root: HTTPFields = [.authorization: BasicCredentials.header(user: "root", password: "root-secret", token: "")!]
    static let alice: HTTPFields = [.authorization: BasicCredentials.header(user: "alice", password: "alice-secret", token: "")!]

    func json(_ document: some Encodable) throws -> ByteBuffer { ByteBuffer(bytes: try JSONEncoder().encode(document)) }

    func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The application as `serve` builds it, logging only warnings (the request log would fill the test output).
    var app: some ApplicationProtocol {
        var logger = Logger(label: "wheelwright.test")
        logger.logLevel = .warning
        return buildApplication(service: service, configuration: ServerConfiguration(), logger: logger)
    }

    @Test("the URL table: each path names one resource, which says the methods it takes")
    func resourceTable() throws {
        let dev = try IndexID(user: "alice", index: "dev")
        let cases: [([String], Bool, Resource)] = [
            ([], false, .root), (["+health"], false, .health), (["+tokens", "abc"], false, .token(id: "abc")),
            (["alice"], false, .user("alice")), (["alice", "dev"], true, .index(dev)), (["alice", "dev", "legacy"], false, .legacyUpload(dev)),
            (["alice", "dev", "+simple"], true, .simpleList(dev, trailingSlash: true)),
            (["alice", "dev", "+simple", "Foo"], false, .simpleProject(dev, name: "Foo", trailingSlash: false)),
            (["alice", "dev", "+f", "ab", "cdef", "x.whl"], false, .file(dev, hash: "abcdef", filename: "x.whl")),
            (["alice", "dev", "+files"], false, .fileList(dev)), (["alice", "dev", "+yank", "x.whl"], false, .yank(dev, filename: "x.whl")),
            (["alice", "dev", "demo"], false, .project(dev, name: "demo")),
            (["alice", "dev", "demo", "1.0"], false, .version(dev, project: "demo", version: "1.0")),
            (["+builds"], true, .builds), (["+builds", "3", "a.log"], false, .buildLog(run: "3", item: "a.log")),
            (["+static", "style.css"], false, .stylesheet),
        ]
        for (components, slash, expected) in cases {
            #expect(try Resource(components, trailingSlash: slash) == expected, "\(components)")
        }
        for missing in [["+nope"], ["+static", "x.js"], ["alice", "dev", "+simple", "a", "b"], ["alice", "dev", "+zip"], ["alice", "dev", "a", "b", "c"]] {
            #expect(throws: StoreError.self) { try Resource(missing, trailingSlash: false) }
        }
        #expect(try Resource(["alice", "dev"], trailingSlash: false).methods == [.get, .head, .put, .patch, .post, .push, .delete])
        #expect(try Resource(["alice", "dev", "demo", "1.0"], trailingSlash: false).methods == [.get, .head, .delete])
    }

    @Test("management and refusals as answers: 201s, 401 with a challenge, 403, 405 with Allow, 406, 400 naming the field")
    func management() async throws {
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/alice", method: .put, headers: Self.root, body: json(UserRequest(password: "alice-secret"))).status == .created)
            let created = try await client.execute(uri: "/alice/dev", method: .put, headers: Self.alice, body: json(IndexRequest(bases: [], volatile: false)))
            #expect(created.status == .created)
            let read = try await client.execute(uri: "/alice/dev", method: .get)
            let config = try JSONDecoder().decode(Envelope<IndexConfig>.self, from: Data(read.body.readableBytesView))
            #expect(config.type == "indexconfig" && config.result.aclUpload == ["alice"] && config.result.volatile == false)

            let anonymous = try await client.execute(uri: "/bob", method: .put, body: json(UserRequest(password: "x")))
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] == "Basic realm=\"wheelwright\"")
            let builder = try await client.execute(uri: "/alice", method: .patch, headers: Self.alice, body: json(UserRequest(builder: true)))
            #expect(builder.status == .forbidden && text(builder).contains("only root"))
            let options = try await client.execute(uri: "/alice/dev/+files", method: .post)
            #expect(options.status == .methodNotAllowed && options.headers[.allow] == "GET, HEAD")
            let accept = try await client.execute(uri: "/alice/dev/+simple/", method: .get, headers: [.accept: "image/png"])
            #expect(accept.status == .notAcceptable && text(accept).contains("application/vnd.pypi.simple.v1+json"))
            let field = try await client.execute(uri: "/alice/dev", method: .patch, headers: Self.alice, body: ByteBuffer(string: #"{"volatile": "yes"}"#))
            #expect(field.status == .badRequest && text(field).contains("volatile"))
            let short = try await client.execute(uri: "/alice", method: .patch, headers: Self.alice, body: ByteBuffer(string: #"{"password": ""}"#))
            #expect(short.status == .badRequest && text(short).contains("password"))
            #expect(try await client.execute(uri: "/+nope", method: .get).status == .notFound)
        }
    }

    @Test("an upload through the router: stored once, listed in +files and the simple API, downloaded with Range (live: the file goes by sendfile)")
    func upload() async throws {
        let path = try await makeDistribution(in: folder, "router-demo", "1.0")
        let content = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let filename = try WheelFilename(URL(fileURLWithPath: path).lastPathComponent)
        let boundary = "router-test-boundary"
        let body = try Upload(filename: filename, content: content).form(boundary: boundary)
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/alice", method: .put, headers: Self.root, body: json(UserRequest(password: "alice-secret")))
            _ = try await client.execute(uri: "/alice/dev", method: .put, headers: Self.alice, body: json(IndexRequest()))
            var headers = Self.alice
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            #expect(try await client.execute(uri: "/alice/dev/", method: .post, headers: headers, body: body).status == .ok)
            let again = try await client.execute(uri: "/alice/dev/", method: .post, headers: headers, body: body)
            #expect(again.status == .ok && text(again).contains("\"unchanged\":true"))

            let files = try await client.execute(uri: "/alice/dev/+files", method: .get)
            let entries = try JSONDecoder().decode(Envelope<[FileEntry]>.self, from: Data(files.body.readableBytesView)).result
            #expect(entries.map(\.filename) == [filename.description])
            let page = try await client.execute(uri: "/alice/dev/+simple/router-demo/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            let document = try JSONDecoder().decode(SimpleProjectDocument.self, from: Data(page.body.readableBytesView))
            let url = try #require(document.files.first?.url)
            let range = try await client.execute(uri: url.components(separatedBy: "#")[0], method: .get, headers: [.range: "bytes=0-3"])
            #expect(range.status == .partialContent && Array(range.body.readableBytesView) == Array(content.prefix(4)))
        }
    }
}
