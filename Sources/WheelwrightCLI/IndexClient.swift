import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import IndexAPI
import NIOHTTP1
import Upstream

/// How a command reaches a server: `--server`, and `--user`/`--password` or `--token`, each
/// also from the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "The index server (env WHEELWRIGHT_SERVER).")
    var server: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] ?? "http://127.0.0.1:4040"

    @Option(help: "User name (env WHEELWRIGHT_USER).")
    var user: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_USER"] ?? ""

    @Option(help: "Password (env WHEELWRIGHT_PASSWORD).")
    var password: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_PASSWORD"] ?? ""

    @Option(help: "API token, instead of user and password (env WHEELWRIGHT_TOKEN).")
    var token: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_TOKEN"] ?? ""

    /// Basic auth from the token, else from user and password; none when neither is given.
    var authorization: String? {
        if !token.isEmpty { return "Basic " + Data("__token__:\(token)".utf8).base64EncodedString() }
        guard !user.isEmpty else { return nil }
        return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

/// Where the commands that read upstream indices look: `--upstream` (repeatable), else
/// `WHEELWRIGHT_UPSTREAM` (comma-separated), else PyPI.
struct UpstreamOptions: ParsableArguments {
    @Option(help: "An upstream simple index, tried in order (repeatable; env WHEELWRIGHT_UPSTREAM, comma-separated).")
    var upstream: [String] = []

    var urls: [URL] {
        var texts = upstream
        if texts.isEmpty, let environment = ProcessInfo.processInfo.environment["WHEELWRIGHT_UPSTREAM"], !environment.isEmpty {
            texts = environment.split(separator: ",").map(String.init)
        }
        let urls = texts.compactMap { URL(string: $0.trimmingCharacters(in: .whitespaces)) }
        return urls.isEmpty ? [UpstreamClient.pypi] : urls
    }
}

/// The few JSON calls the CLI makes to a server, typed by IndexAPI's documents.
struct IndexClient {
    let options: ServerOptions

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The server's status, nil when it could not be reached.
        var status: UInt? = nil
    }

    /// An answer whose `result` the caller does not read.
    struct Ignored: Codable, Sendable {
        init() {}
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
    }

    /// Sends a request (with `body` as JSON) and decodes the `result` of the answer's
    /// envelope; a non-2xx answer becomes an error carrying the server's message.
    func call<Result: Codable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, as type: Result.Type = Ignored.self
    ) async throws -> Result {
        var request = HTTPClientRequest(url: options.server.trimmingSuffix("/") + path)
        request.method = method
        if let authorization = options.authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        } catch {
            throw Failure(description: "cannot reach \(options.server): \(error) (is `wheelwright serve` running? set --server or WHEELWRIGHT_SERVER)")
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw Failure(description: "\(options.server)\(path): \(response.status.code) \(String(buffer: bytes).trimmingSuffix("\n"))", status: response.status.code)
        }
        do {
            return try JSONDecoder().decode(Envelope<Result>.self, from: Data(bytes.readableBytesView)).result
        } catch {
            throw Failure(description: "\(options.server)\(path): the answer is not the expected JSON (\(error)); is this a wheelwright index?")
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) && !suffix.isEmpty { text.removeLast(suffix.count) }
        return text
    }
}
