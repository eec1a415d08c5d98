import Basics
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import IndexAPI
import Synchronization

/// API tokens (`TokenText`): the id finds the row; only the secret's sha256 is stored.
public enum APIToken {
    public static func make() -> (id: String, secret: String, token: String) {
        let id = (0..<8).map { _ in UInt8.random(in: 0...255) }.hex
        let secret = (0..<24).map { _ in UInt8.random(in: 0...255) }.hex
        return (id, secret, TokenText.make(id: id, secret: secret))
    }

    public static func secretHash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).hex
    }
}
