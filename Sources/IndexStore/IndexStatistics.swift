import Foundation
import IndexAPI
import PythonPackaging

/// An index's size, for the pages.
public struct IndexStatistics: Sendable {
    public let projects: Int
    public let files: Int
    public let lastUpload: Double?

    /// An index without files.
    public static let empty = IndexStatistics(projects: 0, files: 0, lastUpload: nil)
}
