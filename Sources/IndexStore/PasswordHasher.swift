import Basics
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import Synchronization

/// Password hashes with PBKDF2-HMAC-SHA512, salted, 210,000 rounds (OWASP's figure for
/// SHA-512): `pbkdf2-sha512$rounds$salt$hash`, base64. (scrypt was tried first: its 16 MB per
/// check stayed resident in glibc's heap and pushed the server past 50 MB; PBKDF2 needs none.)
public enum PasswordHasher {
    static let rounds = 210_000

    /// The hash of an account without a password (imported from devpi, whose argon2 hashes cannot
    /// be checked here): no password verifies against it until one is set.
    public static let locked = "!"

    public static func hash(_ password: String) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha512$\(rounds)$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha512", let rounds = Int(parts[1]), rounds >= 210_000,
              let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
              let key = try? derive(password, salt: Array(salt), rounds: rounds) else {
            return false
        }
        return constantTimeEqual(Array(key), Array(expected))
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha512, outputByteCount: 64, rounds: rounds
        )
        return key.withUnsafeBytes { Data($0) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
