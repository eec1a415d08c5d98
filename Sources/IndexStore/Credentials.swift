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

/// Who a request acts as.
public struct Identity: Sendable, Equatable {
    public let user: String
    /// Indices a token is limited to; nil for a password login or an unscoped token.
    public let tokenScope: [IndexID]?
    /// The token the request came with; nil for a password login.
    public let tokenID: String?

    public init(user: String, tokenScope: [IndexID]? = nil, tokenID: String? = nil) {
        self.user = user
        self.tokenScope = tokenScope
        self.tokenID = tokenID
    }

    public var isRoot: Bool { user == "root" }
}

/// Verifies basic-auth credentials.
///
/// - The key derivation runs on its own threads, several at once, never on the server's.
/// - An unknown user costs the same derivation as a known one, so timing does not tell names.
/// - Failures are throttled per client address and per user (`LoginThrottle`): a 429 with
///   Retry-After, answered before any derivation is spent. A user's correct password still
///   works from an address that has logged in as them before.
/// - A verified (user, password) pair is remembered for a minute under its SHA-256, so that a
///   burst of uploads pays for the derivation once (devpi pays ~200 ms of argon2 on every one).
public final class Authenticator: Sendable {
    private let catalog: Catalog
    private let lifetime: Duration
    private let verified = Mutex([String: ContinuousClock.Instant]())
    public let throttle: LoginThrottle
    /// A hash to verify against when the user does not exist.
    private let decoy: String

    public init(catalog: Catalog, lifetime: Duration = .seconds(60), throttle: LoginThrottle = LoginThrottle()) {
        self.catalog = catalog
        self.lifetime = lifetime
        self.throttle = throttle
        decoy = (try? PasswordHasher.hash(APIToken.make().secret)) ?? ""
    }

    /// The identity for `user:password` (or `__token__:TOKEN`) from `address`, or nil when they
    /// do not match. Throws a 429 while the address or the user is throttled.
    public func authenticate(user rawUser: String, password: String, from address: String) async throws -> Identity? {
        if rawUser == "__token__" {
            try throttle.admit(user: nil, address: address)
            guard let (id, secret) = APIToken.parse(password), let token = try catalog.token(id),
                  PasswordHasher.constantTimeEqual(Array(APIToken.secretHash(secret).utf8), Array(token.secretHash.utf8)) else {
                throttle.failed(user: nil, address: address)
                return nil
            }
            return Identity(user: token.user, tokenScope: token.indices, tokenID: id)
        }
        let user = rawUser.lowercased()
        let key = SHA256.hash(data: Array("\(user)\u{0}\(password)".utf8)).hex
        let now = ContinuousClock.now
        if let expiry = verified.withLock({ $0[key] }), expiry > now { return Identity(user: user) }
        try throttle.admit(user: user, address: address)
        defer { throttle.finished(address: address) }
        let stored = try catalog.passwordHash(of: user)
        let decoy = self.decoy
        let matches = await Self.offThread { PasswordHasher.verify(password, against: stored ?? decoy) }
        guard stored != nil, matches else {
            throttle.failed(user: user, address: address)
            return nil
        }
        throttle.succeeded(user: user, address: address)
        verified.withLock { verified in
            if verified.count > 10_000 { verified = verified.filter { $0.value > now } }
            verified[key] = now + lifetime
        }
        return Identity(user: user)
    }

    /// Forgets remembered logins (after a password change).
    public func forget() { verified.withLock { $0.removeAll() } }

    /// Runs `work` on a Dispatch thread, so that a 200 ms derivation never holds one of the
    /// few threads Swift's concurrency pool has.
    private static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
