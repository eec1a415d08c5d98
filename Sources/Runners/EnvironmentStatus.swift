import Basics
import Crypto
import Foundation
import SiteConfiguration

#if canImport(Glibc)
import Glibc
#endif

/// One root filesystem as `runner list` shows it.
public struct EnvironmentStatus: Sendable, Encodable {
    public let target: String
    public let recipe: String
    public let systemPackages: [String]
    public let prepared: Bool
    public let path: String
    public let sizeBytes: UInt64?
    /// The runners that can build with it on this machine now.
    public let runners: [String]

    enum CodingKeys: String, CodingKey {
        case target, recipe, systemPackages = "system_packages", prepared, path, sizeBytes = "size_bytes", runners
    }
}
