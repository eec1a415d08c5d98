import Foundation

/// Where wheels go: the providers (a pure index, one per target) and the consumers' aggregates,
/// as the talk lays them out. `{target}` is replaced by the target's name.
public struct IndexLayout: Sendable, Hashable, Codable {
    public var pure: String
    public var binary: String
    public var consumer: String

    public static let standard = IndexLayout(pure: "opensource/pure", binary: "opensource/{target}", consumer: "platform/{target}")

    public init(pure: String, binary: String, consumer: String) { (self.pure, self.binary, self.consumer) = (pure, binary, consumer) }

    public func binary(for target: String) -> String { binary.replacingOccurrences(of: "{target}", with: target) }
    public func consumer(for target: String) -> String { consumer.replacingOccurrences(of: "{target}", with: target) }

    /// Every index, with its bases, in the order they must be created.
    public func indices(for targets: [String]) -> [(index: String, bases: [String])] {
        [(pure, [])] + targets.flatMap { target in
            [(binary(for: target), []), (consumer(for: target), [binary(for: target), pure])]
        }
    }
}
