import Foundation
import IndexAPI
import PythonPackaging

/// An index's size, for the pages.
public struct IndexStatistics: Sendable {
    public let projects: Int
    public let files: Int
    public let lastUpload: Double?
}
