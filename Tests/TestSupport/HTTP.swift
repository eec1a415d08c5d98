import AsyncHTTPClient
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// An index server a test talks HTTP to: the real binary (`TestServer`) or the same
/// application inside the test process (`LocalIndex`).
public protocol IndexUnderTest: Sendable {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    var baseURL: String { get }
    /// Its data folder.
    var data: URL { get }
    /// Whether it still serves (the process runs, or the application has not stopped).
    var isServing: Bool { get }
}

extension TestServer: IndexUnderTest {
    public var isServing: Bool { process.isRunning }
}

extension TestServer {
    public static let alice = HTTP.basic("alice", "alice-secret")
}

extension IndexUnderTest {
    /// The user alice (password alice-secret), created by root, and her indices with their settings.
    public func addAlice(indices: [(name: String, settings: [String: Any])]) async throws {
        let user = try await HTTP.json(.PUT, "\(baseURL)/alice", auth: HTTP.basic("root", TestServer.rootPassword), ["password": "alice-secret"])
        guard user.status == 201 else { throw TestFailure("cannot create alice: \(user.status) \(user.text)") }
        for (name, settings) in indices {
            let index = try await HTTP.json(.PUT, "\(baseURL)/alice/\(name)", auth: TestServer.alice, settings)
            guard index.status == 201 else { throw TestFailure("cannot create alice/\(name): \(index.status) \(index.text)") }
        }
    }
}

/// A small HTTP helper over AsyncHTTPClient.
public struct HTTP {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    /// A client that does not follow redirects, so tests see them.
    public static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )

    public static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    public static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(60))
        } catch ChannelError.ioOnClosedChannel {
            // A pooled keep-alive connection the server closed as it was taken: the request was
            // never written, so it is sent again once on a new connection.
            response = try await client.execute(request, timeout: .seconds(60))
        }
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    /// Sends `body` in small pieces with a pause between them: an upload that stays in flight.
    /// `sent` counts the pieces the client has taken to write (it takes one only after the request
    /// head and the pieces before it), so a test can wait until the upload is truly under way.
    public static func sendSlowly(_ url: String, headers: [(String, String)], body: [UInt8], piece: Int, pause: Duration,
                                  sent: AtomicCount? = nil, timeout: Duration = .seconds(60)) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let pieces = stride(from: 0, to: body.count, by: piece).map { ByteBuffer(bytes: body[$0..<min($0 + piece, body.count)]) }
        let next = AtomicCount()
        let stream = AsyncStream<ByteBuffer>(unfolding: {
            let position = next.increment() - 1
            guard position < pieces.count else { return nil }
            if position > 0 { try? await Task.sleep(for: pause) }
            sent?.increment()
            return pieces[position]
        })
        request.body = .stream(stream, length: .known(Int64(body.count)))
        let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    public static func json(_ method: HTTPMethod, _ url: String, auth: String?, _ object: [String: Any]) async throws -> Reply {
        var headers = [("Content-Type", "application/json")]
        if let auth { headers.append(("Authorization", auth)) }
        return try await send(method, url, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// A legacy upload form as twine sends it, built by hand so tests can break it.
    public static func uploadForm(
        filename: String, content: [UInt8], fields: [(String, String)] = [], buildLog: [UInt8]? = nil, boundary: String = "wheelwrightboundary"
    ) -> (contentType: String, body: [UInt8]) {
        var body: [UInt8] = []
        func add(_ text: String) { body += Array(text.utf8) }
        for (name, value) in [(":action", "file_upload"), ("protocol_version", "1")] + fields {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body += content
        if let buildLog {
            add("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"build_log\"; filename=\"build.log\"\r\n\r\n")
            body += buildLog
        }
        add("\r\n--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}

/// Writes a distribution with `Tests/Support/make_distributions.py`; returns its path.
public func makeDistribution(in folder: TemporaryFolder, _ name: String, _ version: String, sdist: Bool = false,
                      requiresPython: String? = nil, payload: String = "", payloadSize: Int = 0, summary: String = "",
                      requiresDist: [String] = [], description: (text: String, type: String?)? = nil,
                      projectURLs: [String] = [], buildRequires: [String]? = nil, licenseExpression: String? = nil,
                      toxINI: String? = nil, metadataLines: [String] = []) async throws -> String {
    var arguments = [Repository.root.appendingPathComponent("Tests/Support/make_distributions.py").path, folder.url.path, name, version,
                     "--payload", payload, "--payload-size", String(payloadSize), "--summary", summary]
    if let description {
        let file = folder.url.appendingPathComponent("description-\(UUID().uuidString).txt")
        try description.text.write(to: file, atomically: true, encoding: .utf8)
        arguments += ["--description-file", file.path] + (description.type.map { ["--description-type", $0] } ?? [])
    }
    if sdist { arguments.append("--sdist") }
    if let requiresPython { arguments += ["--requires-python", requiresPython] }
    for requirement in requiresDist { arguments += ["--requires-dist", requirement] }
    for url in projectURLs { arguments += ["--project-url", url] }
    if let licenseExpression { arguments += ["--license-expression", licenseExpression] }
    if let toxINI { arguments += ["--tox-ini", toxINI] }
    for line in metadataLines { arguments += ["--metadata-line", line] }
    if let buildRequires {
        arguments += ["--build-requires", String(decoding: try JSONSerialization.data(withJSONObject: buildRequires), as: UTF8.self)]
    }
    let (status, output) = try await runTool(Repository.tool("python"), arguments)
    guard status == 0 else { throw TestFailure("make_distributions failed: \(output)") }
    return output.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A count several tasks add to.
public final class AtomicCount: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Adds one; the new count.
    @discardableResult
    public func increment() -> Int { count.add(1, ordering: .relaxed).newValue }

    public var value: Int { count.load(ordering: .relaxed) }
}

/// A wheel checked as pip and an SBOM consumer would (`Tests/Support/check_wheel_sbom.py`):
/// RECORD against every member, each `.dist-info/sboms/` file against CycloneDX 1.6's strict
/// schema, and wheelwright's SBOM's components flattened.
public func checkWheelSBOM(_ wheel: String) async throws -> [String: Any] {
    let checked = try await runTool(Repository.tool("python"),
                                    [Repository.root.appendingPathComponent("Tests/Support/check_wheel_sbom.py").path, wheel])
    guard checked.status == 0, let found = try JSONSerialization.jsonObject(with: Data(checked.output.utf8)) as? [String: Any] else {
        throw TestFailure("check_wheel_sbom.py \(wheel): \(checked.output)")
    }
    return found
}

/// The file `filename` of `index` downloaded into `folder` through the simple API's URL.
public func downloadFile(_ server: any IndexUnderTest, index: String, project: String, filename: String, into folder: TemporaryFolder) async throws -> String {
    let page = try await HTTP.send(.GET, "\(server.baseURL)/\(index)/+simple/\(project)/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
    guard let url = (page.json["files"] as? [[String: Any]])?.first(where: { ($0["filename"] as? String)?.lowercased() == filename.lowercased() })?["url"] as? String else {
        throw TestFailure("\(index) lists no \(filename): \(page.text)")
    }
    let reply = try await HTTP.send(.GET, server.baseURL + url)
    let path = folder.path(filename)
    try Data(reply.body).write(to: URL(fileURLWithPath: path))
    return path
}
