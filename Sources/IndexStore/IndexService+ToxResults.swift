import Basics
import Crypto
import Foundation
import IndexAPI

/// Test results (devpi's `devpi test`, which posts tox's `--result-json` to a release file's
/// URL): taken from whoever may upload to the index, checked as `ToxResultReport`, appended.
extension IndexService {
    /// The most results kept per release file: a result is appended, never replaced.
    public static let maximumToxResultsPerFile = 100

    /// Appends `body` as a result for `filename` in `index`, whose SHA-256 the URL names.
    public func addToxResult(_ body: [UInt8], for filename: String, sha256: String, in index: IndexID, by identity: Identity) async throws -> StoredToxResult {
        try await authorize(identity, .upload(index))
        guard let file = try await catalog.file(index, filename), file.sha256 == sha256 else {
            throw StoreError.notFound("no release file \(filename) in \(index): test results go to a file's URL on the index that holds it")
        }
        if let setting = try await catalog.standing(of: file.project, in: index).setting, !setting.status.acceptsUploads {
            throw StoreError.forbidden("\(file.project) is \(setting.status.rawValue) in \(setting.index) (\(setting.reason)): its test results are not taken either")
        }
        let report: ToxResultReport
        do {
            report = try ToxResultReport(parsing: body)
        } catch {
            throw StoreError.badRequest("the test result's \(error.description)")
        }
        let text = String(decoding: body, as: UTF8.self)
        let stored = StoredToxResult(
            id: 0, index: index, filename: file.filename, fileSHA256: file.sha256, project: file.project, version: file.version,
            uploadTime: Date().timeIntervalSince1970, uploader: identity.user, host: report.host, platform: report.platform,
            environments: report.environments.map(\.summary), sha256: SHA256.hash(data: Array(text.utf8)).hex
        )
        let id = try await catalog.addToxResult(stored, report: text, log: report.log, limit: Self.maximumToxResultsPerFile)
        return StoredToxResult(id: id, index: index, filename: stored.filename, fileSHA256: stored.fileSHA256, project: stored.project,
                               version: stored.version, uploadTime: stored.uploadTime, uploader: stored.uploader, host: stored.host,
                               platform: stored.platform, environments: stored.environments, sha256: stored.sha256)
    }

    /// The results for files of `project` (normalized) in the indices of `order`, oldest first.
    public func toxResults(of project: String, in order: [IndexID]) async throws -> [StoredToxResult] {
        try await catalog.toxResults(of: project, in: order)
    }

    /// Result `id` for `filename` in `index`, with its JSON as posted, or (`log`) its log.
    public func toxResult(_ id: Int64, of filename: String, in index: IndexID, log: Bool) async throws -> (result: StoredToxResult, text: String)? {
        try await catalog.toxResult(id, of: filename, in: index, log: log)
    }
}
