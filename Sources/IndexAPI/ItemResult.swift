import Foundation

/// How one planned item ended.
public struct ItemResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case built, skipped, failed, cancelled
    }

    public let item: BuildItem
    public let status: Status
    /// Why it was skipped, failed or cancelled.
    public let reason: String?
    /// The published wheel's filename and index.
    public let wheel: String?
    public let index: String?
    public let seconds: Double
    public let log: String?
    /// Whether the item is a build tool: another release of the run needed it to be built, or
    /// it is a prebuilt entry's wheel. Shown apart on the run and coverage pages.
    public let buildTool: Bool

    public init(item: BuildItem, status: Status, reason: String?, wheel: String?, index: String?, seconds: Double, log: String?,
                buildTool: Bool = false) {
        self.buildTool = buildTool
        self.item = item
        self.status = status
        self.reason = reason
        self.wheel = wheel
        self.index = index
        self.seconds = seconds
        self.log = log
    }

    /// The same result, marked as a build tool.
    public func asBuildTool() -> ItemResult {
        ItemResult(item: item, status: status, reason: reason, wheel: wheel, index: index, seconds: seconds, log: log, buildTool: true)
    }

    enum CodingKeys: String, CodingKey { case item, status, reason, wheel, index, seconds, log, buildTool = "build_tool" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        item = try container.decode(BuildItem.self, forKey: .item)
        status = try container.decode(Status.self, forKey: .status)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        wheel = try container.decodeIfPresent(String.self, forKey: .wheel)
        index = try container.decodeIfPresent(String.self, forKey: .index)
        seconds = try container.decode(Double.self, forKey: .seconds)
        log = try container.decodeIfPresent(String.self, forKey: .log)
        buildTool = try container.decodeIfPresent(Bool.self, forKey: .buildTool) ?? false
    }

    /// `build_tool` only when true, so reports of everything else read as before.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item, forKey: .item)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(wheel, forKey: .wheel)
        try container.encodeIfPresent(index, forKey: .index)
        try container.encode(seconds, forKey: .seconds)
        try container.encodeIfPresent(log, forKey: .log)
        if buildTool { try container.encode(true, forKey: .buildTool) }
    }

    /// An entry whose versions could not be resolved upstream: nothing of it could be planned.
    public static func unresolved(project: String, reason: String) -> ItemResult {
        ItemResult(item: BuildItem(project: project, version: "*", target: "*", python: "*", buildTag: nil, systemPackages: [], environment: [:]),
                   status: .failed, reason: "resolve: \(reason)", wheel: nil, index: nil, seconds: 0, log: nil)
    }
}
