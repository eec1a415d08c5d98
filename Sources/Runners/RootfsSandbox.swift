import Foundation
import SiteConfiguration

/// How the `rootfs` runner confines a build.
public enum RootfsSandbox: String, Sendable, CaseIterable {
    /// bubblewrap where it is installed, else unshare + chroot.
    case automatic = "auto"
    case bubblewrap
    case chroot
}
