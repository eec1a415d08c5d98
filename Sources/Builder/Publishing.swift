import Foundation
import IndexAPI
import Runners

/// The index the job publishes to, as the job needs it. The command line implements it over
/// the server's HTTP API; the job knows nothing of HTTP.
public protocol IndexPublisher: Sendable {
    /// The wheels an index holds (its own files, not its bases'), with the interpreter each
    /// was built with when its provenance says. Nil when the index does not exist yet.
    func wheels(in index: String) async throws -> [(filename: String, python: String?)]?
    /// Creates `index` with `bases` when it is missing (and its user).
    func ensureIndex(_ index: String, bases: [String]) async throws
    /// Uploads a wheel with its provenance and build log. Uploading the same bytes again is not an error.
    func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws
}

/// Where wheels go: the providers (a pure index, one per target) and the consumers' aggregates,
/// as the talk lays them out. `{target}` is replaced by the target's name.
public struct IndexLayout: Sendable, Hashable, Codable {
    public var pure: String
    public var binary: String
    public var consumer: String

    public static let standard = IndexLayout(pure: "opensource/pure", binary: "opensource/{target}", consumer: "platform/{target}")

    public init(pure: String, binary: String, consumer: String) {
        self.pure = pure
        self.binary = binary
        self.consumer = consumer
    }

    public func binary(for target: String) -> String { binary.replacingOccurrences(of: "{target}", with: target) }
    public func consumer(for target: String) -> String { consumer.replacingOccurrences(of: "{target}", with: target) }

    /// Every index, with its bases, in the order they must be created.
    public func indices(for targets: [String]) -> [(index: String, bases: [String])] {
        [(pure, [])] + targets.flatMap { target in
            [(binary(for: target), []), (consumer(for: target), [binary(for: target), pure])]
        }
    }
}
