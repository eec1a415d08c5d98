import Foundation
import IndexAPI
import PythonPackaging

/// One line of an index's project list.
public struct ProjectSummary: Sendable {
    public let name: String
    public let files: Int
    public let lastUpload: Double
    public let versions: [String]
}
