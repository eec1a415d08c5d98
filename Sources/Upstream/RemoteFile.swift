import Foundation
import PythonPackaging

/// One file a simple-API project page lists.
public struct RemoteFile: Sendable, Equatable {
    public let filename: String
    /// Absolute URL of the file.
    public let url: URL
    public let sha256: String?
    public let requiresPython: String?
    /// nil when not yanked; the reason (possibly empty) when yanked.
    public let yankReason: String?
    public let size: Int?
    /// Whether the index serves `<url>.metadata` (PEP 658/714).
    public let hasCoreMetadata: Bool
    /// When it was uploaded (PEP 700 `upload-time`; JSON pages only).
    public var uploadTime: Date? = nil

    public var isYanked: Bool { yankReason != nil }
}
