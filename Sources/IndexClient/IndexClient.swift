import AsyncHTTPClient
import Basics
import Foundation
import IndexAPI
import NIOCore
import NIOHTTP1
import NIOPosix

/// Every call a client makes to a wheelwright index, typed by IndexAPI's documents: the
/// management API (users, indices, tokens, yanks), `+files`, build-run reports, and uploads.
/// The command line and the builder reach the index only through it.
public struct IndexClient: Sendable {
    /// The server's base URL, without a trailing slash.
    public let server: String
    /// The user the calls act as; empty for an anonymous or token client.
    public let user: String
    /// The `Authorization` header every call sends, if any.
    public let authorization: String?
    /// How long a management call may take, connecting included (an unreachable server is
    /// retried until then); uploads get five times as long.
    let timeout: TimeAmount

    /// A client that sends `token` when given, else `user` and `password`, else nothing.
    public init(server: String, user: String = "", password: String = "", token: String = "", timeout: Duration = .seconds(60)) {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        self.server = base
        self.user = user
        self.authorization = BasicCredentials.header(user: user, password: password, token: token)
        self.timeout = .nanoseconds(timeout.nanoseconds)
    }

    /// An answer whose `result` the caller does not read.
    public struct Ignored: Codable, Sendable {
        public init() {}
        public init(from decoder: any Decoder) throws {}
        public func encode(to encoder: any Encoder) throws {}
    }

    /// Sends a request (with `body` as JSON) and decodes the `result` of the answer's
    /// envelope; a non-2xx answer becomes an `IndexClientError` carrying the server's message.
    public func call<Result: Codable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, as type: Result.Type = Ignored.self
    ) async throws -> Result {
        var request = request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let bytes = try await send(request, path: path, timeout: timeout)
        do {
            return try JSONDecoder().decode(Envelope<Result>.self, from: Data(bytes.readableBytesView)).result
        } catch {
            throw IndexClientError(server: server, path: path, message: "the answer is not the expected JSON (\(error)); is this a wheelwright index?")
        }
    }

    /// True when `path` (a user or an index) exists; false on 404.
    public func exists(_ path: String) async throws -> Bool {
        do {
            _ = try await call(.GET, path)
            return true
        } catch let error as IndexClientError where error.status == 404 {
            return false
        }
    }

    /// The files an index holds itself (not through its bases); nil when the index does not exist.
    public func files(in index: String) async throws -> [FileEntry]? {
        do {
            return try await call(.GET, "/\(index)/+files", as: [FileEntry].self)
        } catch let error as IndexClientError where error.status == 404 {
            return nil
        }
    }

    public func createUser(_ name: String, _ settings: UserRequest) async throws {
        _ = try await call(.PUT, "/\(name)", body: settings)
    }

    /// Changes a user's settings (password, email, builder flag): the user's own, or root's.
    public func updateUser(_ name: String, _ settings: UserRequest) async throws {
        _ = try await call(.PATCH, "/\(name)", body: settings)
    }

    /// Deletes a user with their volatile indices and tokens (refused while a non-volatile index is theirs).
    public func deleteUser(_ name: String) async throws {
        _ = try await message(.DELETE, "/\(name)")
    }

    /// Deletes a volatile index (refused for a non-volatile one, and for a base of another index).
    public func deleteIndex(_ index: String) async throws {
        _ = try await message(.DELETE, "/\(index)")
    }

    /// Sends a request whose answer is devpi's `{"message": …}` (a delete); returns the message.
    func message(_ method: HTTPMethod, _ path: String) async throws -> String {
        let bytes = try await send(request(method, path), path: path, timeout: timeout)
        return (try? JSONDecoder().decode(APIMessage.self, from: Data(bytes.readableBytesView)))?.message ?? ""
    }

    /// Creates an index; answers with its settings as the server made them.
    @discardableResult
    public func createIndex(_ index: String, _ settings: IndexRequest) async throws -> IndexConfig {
        try await call(.PUT, "/\(index)", body: settings, as: IndexConfig.self)
    }

    /// Changes an index's settings (the ones `request` gives); answers with all of them.
    public func modifyIndex(_ index: String, _ request: IndexRequest) async throws -> IndexConfig {
        try await call(.PATCH, "/\(index)", body: request, as: IndexConfig.self)
    }

    public func users() async throws -> [String: UserConfig] {
        try await call(.GET, "/", as: [String: UserConfig].self)
    }

    public func createToken(_ request: TokenRequest) async throws -> TokenCreated {
        try await call(.POST, "/+tokens", body: request, as: TokenCreated.self)
    }

    /// Takes or renews build lease `name` for `owner` for `seconds`; a 409 when another holds it.
    public func acquireLease(_ name: String, owner: String, seconds: Int) async throws -> BuildLease {
        try await call(.PUT, "/+leases/\(name)", body: BuildLease.Request(owner: owner, seconds: seconds), as: BuildLease.self)
    }

    public func releaseLease(_ name: String, owner: String) async throws {
        _ = try await call(.DELETE, "/+leases/\(name)?owner=" + (owner.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }

    /// The live tokens of the caller, or of `user` (root only).
    public func tokens(of user: String? = nil) async throws -> [TokenSummary] {
        let query = user.map { "?user=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return try await call(.GET, "/+tokens" + query, as: [TokenSummary].self)
    }

    public func revokeToken(id: String) async throws {
        _ = try await call(.DELETE, "/+tokens/\(id)")
    }

    public func yank(_ filename: String, in index: String, _ request: YankRequest) async throws {
        _ = try await call(.POST, "/\(index)/+yank/\(filename)", body: request)
    }

    /// A project's status in `index` (PEP 792) and its recorded history.
    public func projectStatus(_ project: String, in index: String) async throws -> ProjectStatusReport {
        try await call(.GET, "/\(index)/+status/\(project)", as: ProjectStatusReport.self)
    }

    /// The project's status in every index that holds files of it or a status for it.
    public func projectStatuses(_ project: String) async throws -> [ProjectStatusReport] {
        try await call(.GET, "/+status/\(project)", as: [ProjectStatusReport].self)
    }

    /// Sets a project's status in `index`; answers with the status the index serves after it.
    public func setProjectStatus(_ project: String, in index: String, _ request: ProjectStatusRequest) async throws -> ProjectStatusReport {
        try await call(.POST, "/\(index)/+status/\(project)", body: request, as: ProjectStatusReport.self)
    }

    /// devpi's push: the release `name` `version` of `source` copied into `target`; returns
    /// devpi's action log (a line per step).
    public func push(_ name: String, version: String, from source: String, to target: String) async throws -> [ActionLogEntry] {
        try await call(.POST, "/\(source)/", body: PushRequest(name: name, version: version, targetindex: target), as: [ActionLogEntry].self)
    }

    /// Posts a build run's report to the index's `/+builds/` page.
    public func postReport(_ report: PostedRunReport) async throws {
        _ = try await call(.POST, "/+builds", body: report)
    }

    /// Posts a test result (tox's `--result-json`, as `devpi test` does) to a file's URL
    /// (`/USER/INDEX/+f/…/FILE`).
    public func postTestResult(_ json: [UInt8], to filePath: String) async throws {
        var request = request(.POST, filePath)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: json))
        _ = try await send(request, path: filePath, timeout: timeout)
    }

    /// Posts a legacy upload form (a wheel, or a release's documentation) to `index`.
    public func upload(_ upload: some MultipartUpload, to index: String) async throws {
        let boundary = "wheelwright-\(UUID().uuidString)"
        var request = request(.POST, "/\(index)/")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(try upload.form(boundary: boundary))
        _ = try await send(request, path: "/\(index)/", timeout: timeout * 5)
    }

    private func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return request
    }

    /// The client every call goes through: a refused connection fails at once (AsyncHTTPClient's
    /// default retries it until the request's deadline, a minute before `index list` said that
    /// no server runs); the callers that should retry (the build's uploads) retry whole calls.
    /// One for the process (never shut down).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Why no answer came, in one sentence with what to do.
    static func unreachable(_ error: any Error) -> String {
        let remedy = "start the index with `wheelwright serve`, or name the one to use with --server URL or WHEELWRIGHT_SERVER"
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return "nothing answers there (connection refused): \(remedy)" }
        if let error = error as? NIOConnectionError, error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
            return "nothing answers there (connection refused): \(remedy)"
        }
        if let error = error as? HTTPClientError, error == .connectTimeout || error == .deadlineExceeded {
            return "no answer in time (\(error == .connectTimeout ? "connecting" : "waiting for the answer")): is the server up and reachable from here? \(remedy)"
        }
        return "cannot reach the server (\(error)): \(remedy)"
    }

    /// The answer's body when its status is 2xx; otherwise an error with the status and message.
    private func send(_ request: HTTPClientRequest, path: String, timeout: TimeAmount) async throws -> ByteBuffer {
        let response: HTTPClientResponse
        do {
            response = try await Self.http.execute(request, timeout: timeout)
        } catch {
            throw IndexClientError(server: server, path: path, message: Self.unreachable(error))
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(response.status.code) else {
            var message = String(buffer: bytes)
            while message.hasSuffix("\n") { message.removeLast() }
            throw IndexClientError(server: server, path: path, message: "\(response.status.code) \(message)", status: response.status.code)
        }
        return bytes
    }
}
