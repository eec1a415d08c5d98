/// One item a run built or tried to build, as its run page lists it (the plan's skipped items
/// are counted, not kept).
public struct RunItem: Sendable, Equatable {
    public let run: Int64
    public let project, version, target, python: String
    /// built, failed, skipped or cancelled (`ItemResult.Status`).
    public let status: String
    public let seconds: Double
    public let wheel, index, reason: String?
    /// The id of the log the run posted for it (`/+builds/RUN/ID.log`), if it posted one.
    public let logItem: String?
    /// Whether another release of the run needed it to be built (`ItemResult.buildTool`).
    public let tool: Bool

    public init(run: Int64, project: String, version: String, target: String, python: String, status: String, seconds: Double,
                wheel: String?, index: String?, reason: String?, logItem: String?, tool: Bool = false) {
        (self.run, self.project, self.version, self.target, self.python, self.status) = (run, project, version, target, python, status)
        (self.seconds, self.wheel, self.index, self.reason, self.logItem, self.tool) = (seconds, wheel, index, reason, logItem, tool)
    }
}
