import Foundation
import IndexAPI
import PythonPackaging

/// A `wheelwright build` run as it reported itself.
public struct ReportedRun: Sendable {
    public let id: Int64
    public let reportedAt: Double
    public let reporter: String
    /// The run's JSON report.
    public let report: String
}
