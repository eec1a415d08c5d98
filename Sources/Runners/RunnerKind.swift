import Foundation
import SiteConfiguration

/// The runners a build can use.
public enum RunnerKind: String, Sendable, CaseIterable, Codable {
    case rootfs, oci, host
}
