import Basics
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import IndexAPI
import Synchronization

/// Verifies basic-auth credentials.
///
/// - The key derivation runs on its own threads, several at once, never on the server's.
/// - An unknown user costs the same derivation as a known one, so timing does not tell names.
/// - Failures are throttled per client address and per user (`LoginThrottle`): a 429 with
///   Retry-After, answered before anything else is looked at, so a refused address learns
///   nothing, whether its password is right or not. A user's correct password still works from
///   an address that has logged in as them before.
/// - A verified (user, password) pair is remembered for a minute under its SHA-256, so that a
///   burst of uploads pays for the derivation once (devpi pays ~200 ms of argon2 on every one);
///   it spares the derivation, never the throttle. It counts only while the catalog still holds
///   the hash it was verified against (one indexed read): a password changed or a user deleted
///   through another replica ends it at once.
/// - Concurrent checks of the same credentials are one check (ten parallel first uploads wait
///   for one derivation); only distinct guesses take an address's places in flight.
public final class Authenticator: Sendable {
    private let catalog: Catalog
    private let lifetime: Duration
    private let verified = Mutex([String: (expiry: ContinuousClock.Instant, passwordHash: String)]())
    /// The derivations running, by the SHA-256 of their credentials, with the requests waiting
    /// for the same credentials' answer: the stored hash when the password matched, `.some(nil)`
    /// when not, nil when the check failed (they check again themselves).
    private let checking = Mutex([String: [CheckedContinuation<String??, Never>]]())
    /// When this process last wrote each token's `lastUsedAt`: a burst of uploads writes it once a minute.
    private let recordedUse = Mutex([String: Double]())
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
            try throttle.refuseKey(address: address)
            guard let (id, secret) = TokenText.parse(password), let token = try await catalog.token(id),
                  PasswordHasher.constantTimeEqual(Array(APIToken.secretHash(secret).utf8), Array(token.secretHash.utf8)) else {
                throttle.keyFailed(address: address)
                return nil
            }
            await recordUse(of: id)
            return Identity(user: token.user, tokenScope: token.indices, tokenID: id, readOnly: token.readOnly)
        }
        let user = rawUser.lowercased()
        try throttle.refuse(user: user, address: address)
        let key = SHA256.hash(data: Array("\(user)\u{0}\(password)".utf8)).hex
        let now = ContinuousClock.now
        if let remembered = verified.withLock({ $0[key] }), remembered.expiry > now,
           try await catalog.passwordHash(of: user) == remembered.passwordHash {
            return Identity(user: user)
        }
        let owner = try checking.withLock { running throws(StoreError) -> Bool in
            guard running[key] == nil else { return false }
            try throttle.begin(address: address)
            running[key] = []
            return true
        }
        guard owner else {
            // The same credentials are being checked: their answer, without a derivation of our own.
            let answer = await withCheckedContinuation { (waiter: CheckedContinuation<String??, Never>) in
                let waiting = checking.withLock { running in
                    running[key]?.append(waiter)
                    return running[key] != nil
                }
                if !waiting { waiter.resume(returning: nil) }
            }
            guard let answer else { return try await authenticate(user: rawUser, password: password, from: address) }
            return answer == nil ? nil : Identity(user: user)
        }
        var answer: String?? = nil
        defer {
            throttle.finished(address: address)
            for waiter in checking.withLock({ $0.removeValue(forKey: key) }) ?? [] { waiter.resume(returning: answer) }
        }
        let stored = try await derive(user: user, password: password, key: key, from: address)
        answer = .some(stored)
        return stored == nil ? nil : Identity(user: user)
    }

    /// One derivation, its outcome counted once (however many requests wait for it); returns
    /// the stored hash when the password matches.
    private func derive(user: String, password: String, key: String, from address: String) async throws -> String? {
        let stored = try await catalog.passwordHash(of: user)
        let decoy = self.decoy
        let matches = await BlockingWork.run { PasswordHasher.verify(password, against: stored ?? decoy) }
        guard let stored, matches else {
            throttle.failed(user: user, address: address)
            return nil
        }
        throttle.succeeded(user: user, address: address)
        let now = ContinuousClock.now
        verified.withLock { verified in
            if verified.count > 10_000 { verified = verified.filter { $0.value.expiry > now } }
            verified[key] = (now + lifetime, stored)
        }
        return stored
    }

    /// Forgets remembered logins (after a password change).
    public func forget() { verified.withLock { $0.removeAll() } }

    /// Notes that token `id` was used now, at most once a minute per token (a failed write costs
    /// only the date shown by `token list`).
    private func recordUse(of id: String) async {
        let now = Date().timeIntervalSince1970
        let due = recordedUse.withLock { recorded in
            if let last = recorded[id], now - last < 60 { return false }
            if recorded.count > 10_000 { recorded.removeAll() }
            recorded[id] = now
            return true
        }
        if due { try? await catalog.markTokenUsed(id, at: now) }
    }
}
