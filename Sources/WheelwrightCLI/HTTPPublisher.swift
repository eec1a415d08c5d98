import AsyncHTTPClient
import Basics
import Builder
import Crypto
import Foundation
import IndexAPI
import NIOCore
import NIOHTTP1
import PythonPackaging

/// The job's `IndexPublisher` over the server's HTTP API: `+files` to see what an index holds,
/// the devpi-style JSON calls to create indices, and the legacy upload twine uses.
struct HTTPPublisher: IndexPublisher {
    let client: IndexClient

    func wheels(in index: String) async throws -> [(filename: String, python: String?)]? {
        let files: [FileEntry]
        do {
            files = try await client.call(.GET, "/\(index)/+files", as: [FileEntry].self)
        } catch let failure as IndexClient.Failure where failure.status == 404 {
            return nil
        }
        return files.filter { $0.filename.hasSuffix(".whl") }.map { ($0.filename, $0.provenance?.python) }
    }

    func ensureIndex(_ index: String, bases: [String]) async throws {
        do {
            _ = try await client.call(.GET, "/\(index)")
            return
        } catch let failure as IndexClient.Failure where failure.status == 404 {}
        let user = String(index.split(separator: "/").first ?? "")
        do {
            _ = try await client.call(.GET, "/\(user)")
        } catch let failure as IndexClient.Failure where failure.status == 404 {
            // A user that only owns indices: nobody logs in as it, so its password is random.
            let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
            _ = try await client.call(.PUT, "/\(user)", body: UserRequest(password: password))
        }
        let uploaders = [user] + (client.options.user.isEmpty || client.options.user == user ? [] : [client.options.user])
        do {
            _ = try await client.call(.PUT, "/\(index)", body: IndexRequest(type: "stage", bases: bases, volatile: false, aclUpload: uploaders))
        } catch let failure as IndexClient.Failure where failure.status == 409 {
            // Another run created it first.
        }
    }

    /// Posts the run's report to the server's `/+builds/` page, with the tail of each failed
    /// item's log (those logs are on no uploaded file): 64 kB each, less when many failed, so
    /// that the report stays within the server's 8 MB. A failure here only warns.
    func report(_ report: RunReport) async {
        do {
            var logs: [String: String] = [:]
            let failed = report.results.filter { $0.status == .failed || $0.status == .cancelled }
            let tail = max(4 << 10, min(64 << 10, (6 << 20) / max(1, failed.count)))
            for result in failed {
                guard let path = result.log, let data = FileManager.default.contents(atPath: path) else { continue }
                logs[result.item.id] = String(decoding: data.suffix(tail), as: UTF8.self)
            }
            _ = try await client.call(.POST, "/+builds", body: PostedRunReport(report: report, logs: logs))
        } catch {
            FileHandle.standardError.write(Data("warning: the run's report could not be posted to the index: \(error)\n".utf8))
        }
    }

    func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {
        let content = try [UInt8](Data(contentsOf: wheel))
        let logBytes = (try? [UInt8](Data(contentsOf: log))) ?? []
        let filename = try WheelFilename(wheel.lastPathComponent)
        let boundary = "wheelwright-\(UUID().uuidString)"
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        func file(_ name: String, _ filename: String, _ bytes: [UInt8]) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        field(":action", "file_upload")
        field("protocol_version", "1")
        field("name", filename.distribution)
        field("version", filename.versionText)
        field("filetype", "bdist_wheel")
        field("pyversion", filename.tagSet.interpreters.joined(separator: "."))
        field("sha256_digest", SHA256.hash(data: content).hex)
        field("provenance", provenance.json)
        file("content", wheel.lastPathComponent, content)
        if !logBytes.isEmpty { file("build_log", "build.log", logBytes) }
        body += Array("--\(boundary)--\r\n".utf8)

        var request = HTTPClientRequest(url: client.options.server.trimmingSuffix("/") + "/\(index)/")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        if let authorization = client.options.authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        switch response.status.code {
        case 200..<300:
            return
        case 500...:
            // Transient: the job tries again.
            throw IndexClient.Failure(description: "\(index): \(response.status.code) \(text)", status: response.status.code)
        default:
            throw BuilderError.publish("upload of \(wheel.lastPathComponent) to \(index) refused: \(response.status.code) \(text.trimmingSuffix("\n"))")
        }
    }
}
