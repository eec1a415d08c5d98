/// The lease a `wheelwright build` holds on the index for its share of the plan (`all`, or
/// `shard-I-of-N`), so that one share runs on one machine at a time however many machines
/// start it; it expires unless renewed, so a crashed holder frees it.
public struct BuildLease: Codable, Sendable, Equatable {
    public var name: String
    /// Who holds it: `host pid N`, as the holder names itself.
    public var owner: String
    /// Seconds since 1970.
    public var expires: Double

    public init(name: String, owner: String, expires: Double) { (self.name, self.owner, self.expires) = (name, owner, expires) }

    /// The lease of a selection: `all`, or `shard-I-of-N`.
    public static func name(shard: (index: Int, count: Int)?) -> String {
        shard.map { "shard-\($0.index)-of-\($0.count)" } ?? "all"
    }

    /// True for `all` and `shard-I-of-N` with 1 ≤ I ≤ N ≤ 1000.
    public static func isValidName(_ name: String) -> Bool {
        if name == "all" { return true }
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "shard", parts[2] == "of", parts[1].count <= 4, parts[3].count <= 4,
              let index = Int(parts[1]), let count = Int(parts[3]), String(index) == parts[1], String(count) == parts[3] else { return false }
        return 1 <= index && index <= count && count <= 1000
    }

    /// The body of `PUT /+leases/NAME`.
    public struct Request: Codable, Sendable {
        public var owner: String
        public var seconds: Int
        public init(owner: String, seconds: Int) { (self.owner, self.seconds) = (owner, seconds) }
        public static let keys = ["owner", "seconds"]
    }
}
