import Crypto
import Foundation
import IndexAPI

/// A deterministic share of a plan: `i/n` takes the releases whose hash falls in it, so every
/// machine of a CI matrix computes the same split and all of a release stays on one machine.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    public func contains(_ item: BuildItem) -> Bool {
        let digest = SHA256.hash(data: Data(item.release.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}
