import Foundation
import SiteConfiguration

/// What the build saw: recorded with each wheel as its provenance.
public struct EnvironmentFacts: Sendable, Hashable, Codable {
    /// `Debian GNU/Linux 12 (bookworm)`
    public var os: String
    public var osID: String
    public var osVersion: String
    /// `3.11.2`
    public var python: String
    /// `gcc 12.2.0`, nil when the environment has no C compiler.
    public var compiler: String?
    /// `2.36`
    public var glibc: String?
    /// `rootfs (bubblewrap)`, `oci (podman)`, `host`.
    public var runner: String

    enum CodingKeys: String, CodingKey {
        case os, osID = "os_id", osVersion = "os_version", python, compiler, glibc, runner
    }
}
