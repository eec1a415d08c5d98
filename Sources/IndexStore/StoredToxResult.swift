import Foundation
import IndexAPI

/// A test result posted for a release file (devpi's toxresult): who sent it, when, and what a
/// page shows of it; the JSON itself is read by its number.
public struct StoredToxResult: Sendable, Equatable {
    /// Its number in the catalog, in the order results arrived.
    public let id: Int64
    public let index: IndexID
    /// The release file it is for, and that file's bytes when it was posted.
    public let filename, fileSHA256: String
    /// PEP 503 normalized project name and canonical version of that file.
    public let project, version: String
    /// Seconds since 1970, UTC.
    public let uploadTime: Double
    public let uploader: String
    public let host, platform: String
    public let environments: [ToxEnvironmentSummary]
    /// SHA-256 of the JSON as stored.
    public let sha256: String
    /// How it came to the index: posted there, then each push that brought it.
    public let history: [FileEvent]

    /// `history` nil: the result was posted to `index` by `uploader` at `uploadTime`.
    public init(id: Int64, index: IndexID, filename: String, fileSHA256: String, project: String, version: String, uploadTime: Double,
                uploader: String, host: String, platform: String, environments: [ToxEnvironmentSummary], sha256: String, history: [FileEvent]? = nil) {
        (self.id, self.index, self.filename, self.fileSHA256, self.project, self.version) = (id, index, filename, fileSHA256, project, version)
        (self.uploadTime, self.uploader, self.host, self.platform, self.environments, self.sha256) = (uploadTime, uploader, host, platform, environments, sha256)
        self.history = history ?? [FileEvent(what: .upload, who: uploader, when: uploadTime, dst: index.description)]
    }

    /// Its path under the index: `+toxresults/FILE/N` (the JSON; `/log` the commands' output).
    public var relativeURL: String { "+toxresults/\(filename)/\(id)" }

    /// The file it is for, as `key(of:)` names a stored file: results grouped by it meet their files.
    public var fileKey: String { "\(index)/\(filename)/\(fileSHA256)" }

    /// `file`'s key: its index, its name and its bytes (a replaced file's results are not its own).
    public static func key(of file: StoredFile) -> String { "\(file.index)/\(file.filename)/\(file.sha256)" }

    /// Every environment passed.
    public var passed: Bool { !environments.isEmpty && environments.allSatisfy(\.outcome.passed) }
}
