import Foundation

/// One step of a file's history in an index, as devpi's `+links` `log` records it: uploaded to
/// an index, or pushed there from another (with the history it had there before).
public struct FileEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case upload, push
    }

    public let what: Kind
    public let who: String
    /// Seconds since 1970, UTC.
    public let when: Double
    /// The index a push came from.
    public let src: String?
    public let dst: String

    public init(what: Kind, who: String, when: Double, src: String? = nil, dst: String) {
        (self.what, self.who, self.when, self.src, self.dst) = (what, who, when, src, dst)
    }
}

extension FileEvent {
    /// A history as the catalog keeps it: JSON text.
    static func encoded(_ history: [FileEvent]) throws -> String {
        String(decoding: try JSONEncoder().encode(history), as: UTF8.self)
    }

    /// A history the catalog kept; nil when none was (a row from before histories were kept).
    static func decoded(_ text: String?) -> [FileEvent]? {
        text.flatMap { try? JSONDecoder().decode([FileEvent].self, from: Data($0.utf8)) }
    }
}
