import Foundation

/// `manifest.json` of an export: written last, so an export without it is incomplete.
public struct ExportManifest: Codable, Sendable, Equatable {
    public static let formatName = "wheelwright-export"
    public var format = Self.formatName
    public var version = 1
    /// ISO 8601, UTC.
    public var created: String
    /// The wheelwright that wrote it (an import by a newer one migrates the catalog).
    public var wheelwright: String
    public var files: Int
    public var blobs: Int
    public var bytes: Int64

    public init(created: String, wheelwright: String, files: Int, blobs: Int, bytes: Int64) {
        (self.created, self.wheelwright, self.files, self.blobs, self.bytes) = (created, wheelwright, files, blobs, bytes)
    }

    static let fileName = "manifest.json"
}
