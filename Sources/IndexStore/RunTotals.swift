/// A reported run's counts, kept beside its report so that the history of many nights is read
/// without decoding a report each.
public struct RunTotals: Sendable, Equatable {
    public let run: Int64
    public let reportedAt: Double
    public let built, failed, skipped, cancelled: Int
    public let seconds: Double

    public init(run: Int64, reportedAt: Double, built: Int, failed: Int, skipped: Int, cancelled: Int, seconds: Double) {
        (self.run, self.reportedAt, self.built, self.failed, self.skipped, self.cancelled, self.seconds) = (run, reportedAt, built, failed, skipped, cancelled, seconds)
    }
}
