/// A reported run's counts and identity, kept beside its report so that the history of many
/// nights is read without decoding a report each.
public struct RunTotals: Sendable, Equatable {
    public let run: Int64
    public let reportedAt: Double
    public let reporter: String
    /// The `--run-id` it was given, if any.
    public let runID: String?
    public let built, failed, skipped, cancelled: Int
    public let seconds: Double

    public init(run: Int64, reportedAt: Double, reporter: String, runID: String?, built: Int, failed: Int, skipped: Int, cancelled: Int, seconds: Double) {
        (self.run, self.reportedAt, self.reporter, self.runID) = (run, reportedAt, reporter, runID)
        (self.built, self.failed, self.skipped, self.cancelled, self.seconds) = (built, failed, skipped, cancelled, seconds)
    }
}
