import Basics
import Crypto
import Foundation
import IndexAPI
import IndexClient
import PythonPackaging

/// The job's `IndexPublisher` over the index's HTTP API, through `IndexClient`: `+files` to see
/// what an index holds, the devpi-style calls to create indices, and the legacy upload.
public struct HTTPPublisher: IndexPublisher {
    public let client: IndexClient

    public init(client: IndexClient) {
        self.client = client
    }

    public func wheels(in index: String) async throws -> [(filename: String, python: String?)]? {
        try await client.files(in: index)?.filter { $0.filename.hasSuffix(".whl") }.map { ($0.filename, $0.provenance?.python) }
    }

    public func ensureIndex(_ index: String, bases: [String]) async throws {
        if try await client.exists("/\(index)") { return }
        let user = String(index.split(separator: "/").first ?? "")
        if try await !client.exists("/\(user)") {
            // A user that only owns indices: nobody logs in as it, so its password is random.
            let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
            do {
                try await client.createUser(user, UserRequest(password: password))
            } catch let error as IndexClientError where error.status == 409 {
                // Another run (a shard on another machine) created it first.
            }
        }
        let uploaders = [user] + (client.user.isEmpty || client.user == user ? [] : [client.user])
        do {
            try await client.createIndex(index, IndexRequest(type: "stage", bases: bases, volatile: false, aclUpload: uploaders))
        } catch let error as IndexClientError where error.status == 409 {
            // Another run created it first.
        }
    }

    public func acquireLease(_ name: String, owner: String, seconds: Int) async throws {
        do {
            _ = try await client.acquireLease(name, owner: owner, seconds: seconds)
        } catch let error as IndexClientError where error.status == 409 {
            throw BuilderError.locked("\(error.message): this run stops")
        }
    }

    public func releaseLease(_ name: String, owner: String) async throws {
        try await client.releaseLease(name, owner: owner)
    }

    /// Posts the run's report with the tail of each failed item's log (those logs are on no
    /// uploaded file): 64 kB each, less when many failed, so that the report stays within the
    /// server's 8 MB.
    public func report(_ report: RunReport) async throws {
        var logs: [String: String] = [:]
        let failed = report.results.filter { $0.status == .failed || $0.status == .cancelled }
        let tail = max(4 << 10, min(64 << 10, (6 << 20) / max(1, failed.count)))
        for result in failed {
            guard let path = result.log, let data = FileManager.default.contents(atPath: path) else { continue }
            logs[result.item.id] = String(decoding: data.suffix(tail), as: UTF8.self)
        }
        try await client.postReport(PostedRunReport(report: report, logs: logs))
    }

    public func postTestResult(_ report: [UInt8], for wheel: URL, in index: String) async throws {
        let sha256 = SHA256.hash(data: try Data(contentsOf: wheel)).hex
        try await client.postTestResult(report, to: "/\(index)/+f/\(sha256.prefix(2))/\(sha256.dropFirst(2))/\(wheel.lastPathComponent)")
    }

    /// A refusal (4xx) is final: it becomes `BuilderError.publish`; anything else the job may try again.
    public func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {
        let upload = Upload(filename: try WheelFilename(wheel.lastPathComponent), content: try [UInt8](Data(contentsOf: wheel)),
                            provenance: provenance, buildLog: (try? [UInt8](Data(contentsOf: log))) ?? [])
        do {
            try await client.upload(upload, to: index)
        } catch let error as IndexClientError where !error.isTransient {
            throw BuilderError.publish("upload of \(wheel.lastPathComponent) to \(index) refused: \(error.message)")
        }
    }
}
