/// A build run's report as recorded (`POST /+builds`).
public struct BuildRunCreated: Codable, Sendable {
    public var id: Int64
    public var url: String

    public init(id: Int64, url: String) { (self.id, self.url) = (id, url) }
}
