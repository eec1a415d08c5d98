import Basics
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import Synchronization

/// API tokens: `ww_<id>_<secret>`. The id finds the row; only the secret's sha256 is stored.
public enum APIToken {
    public static func make() -> (id: String, secret: String, token: String) {
        let id = (0..<8).map { _ in UInt8.random(in: 0...255) }.hex
        let secret = (0..<24).map { _ in UInt8.random(in: 0...255) }.hex
        return (id, secret, "ww_\(id)_\(secret)")
    }

    public static func parse(_ token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ww", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    public static func secretHash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).hex
    }
}
