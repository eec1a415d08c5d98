/// The body of devpi's `push` (method `PUSH`, or `POST` with JSON, to the source index): a
/// release and the index to copy it into.
public struct PushRequest: Codable, Sendable {
    public var name: String
    public var version: String
    public var targetindex: String?

    public init(name: String, version: String, targetindex: String) {
        (self.name, self.version, self.targetindex) = (name, version, targetindex)
    }

    /// devpi-client also sends whether to push documentation; wheelwright keeps none, so both are accepted and ignored.
    public static let keys: Set<String> = ["name", "version", "targetindex", "no_docs", "only_docs"]
}

/// devpi's `actionlog`: one `[status, action, details…]` list per step, which devpi-client prints.
public struct ActionLogEntry: Codable, Sendable, Equatable {
    public var status: Int
    public var words: [String]

    public init(status: Int, _ words: [String]) { (self.status, self.words) = (status, words) }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        status = try container.decode(Int.self)
        words = []
        while !container.isAtEnd { words.append(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(status)
        for word in words { try container.encode(word) }
    }
}
