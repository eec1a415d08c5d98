import Basics
import Crypto
import Foundation

/// devpi's login: `POST /+login` turns a password into a session key that devpi-client sends
/// on every later request as `X-Devpi-Auth: base64(USER:KEY)`.
///
/// A key is `EXPIRY.MAC`: HMAC-SHA256, under a secret kept in the data directory, of the user,
/// the expiry and the user's current password hash. Nothing is stored per session; a key lasts
/// ten hours as devpi's do, and changing the password ends every session of the user.
public struct ProxyAuth: Sendable {
    private let secret: SymmetricKey
    /// Seconds a session lasts (devpi's default).
    public static let lifetime = 36_000

    /// Reads the secret from `file`, or makes one (32 random bytes, mode 0600) the first time.
    public init(secretFile: URL) throws {
        if let existing = Self.read(secretFile) {
            secret = existing
            return
        }
        // Created once for every replica on the folder: written under a name of its own, then
        // linked into place, which fails when another process got there first; its key wins.
        let fresh = SymmetricKey(size: .bits256)
        let temporary = secretFile.appendingPathExtension(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: fresh.withUnsafeBytes { Data($0) }, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.unavailable, "cannot write the session secret \(secretFile.path): \(String(cString: strerror(errno)))")
        }
        if link(temporary.path, secretFile.path) == 0 {
            secret = fresh
        } else if errno == EEXIST {
            guard let winner = Self.read(secretFile) else {
                throw StoreError(.unavailable, "the session secret \(secretFile.path) is not a 32-byte key: remove it and start again (devpi logins end)")
            }
            secret = winner
        } else {
            throw StoreError(.unavailable, "cannot write the session secret \(secretFile.path): \(String(cString: strerror(errno)))")
        }
    }

    private static func read(_ file: URL) -> SymmetricKey? {
        guard let data = FileManager.default.contents(atPath: file.path), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    /// A session key for `user` whose password hash is `passwordHash`, valid until `now + lifetime`.
    public func issue(user: String, passwordHash: String, now: Int) -> (key: String, expiration: Int) {
        let expiry = now + Self.lifetime
        return ("\(expiry).\(mac(user: user, expiry: expiry, passwordHash: passwordHash))", Self.lifetime)
    }

    /// True when `key` was issued for `user` with this password hash and has not expired.
    public func verify(user: String, key: String, passwordHash: String, now: Int) -> Bool {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 12, let expiry = Int(parts[0]), expiry > now, parts[1].utf8.count == 64 else { return false }
        return PasswordHasher.constantTimeEqual(Array(parts[1].utf8), Array(mac(user: user, expiry: expiry, passwordHash: passwordHash).utf8))
    }

    private func mac(user: String, expiry: Int, passwordHash: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array("\(user)\u{0}\(expiry)\u{0}\(passwordHash)".utf8), using: secret).hex
    }
}
