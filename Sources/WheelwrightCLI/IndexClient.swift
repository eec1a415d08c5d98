import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
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

/// The few JSON calls the CLI makes to a server.
struct IndexClient {
    let options: ServerOptions

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The server's status, nil when it could not be reached.
        var status: UInt? = nil
    }

    /// Sends a request and returns the `result` of the JSON answer; a non-2xx answer becomes
    /// an error carrying the server's message.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: options.server.trimmingSuffix("/") + path)
        request.method = method
        if let authorization = options.authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        } catch {
            throw Failure(description: "cannot reach \(options.server): \(error) (is `wheelwright serve` running? set --server or WHEELWRIGHT_SERVER)")
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: bytes)
        guard (200..<300).contains(response.status.code) else {
            throw Failure(description: "\(options.server)\(path): \(response.status.code) \(text.trimmingSuffix("\n"))", status: response.status.code)
        }
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        return (object as? [String: Any])?["result"] ?? object ?? text
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) && !suffix.isEmpty { text.removeLast(suffix.count) }
        return text
    }
}
