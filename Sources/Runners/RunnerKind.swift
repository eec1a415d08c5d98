import Foundation
import SiteConfiguration

/// The runners a build can use.
public enum RunnerKind: String, Sendable, CaseIterable, Codable {
    case rootfs, oci, host

    /// Why a run as user `uid` cannot use this runner, said before any work starts; nil when it can.
    /// The rootfs runner makes root filesystems with debootstrap and caps each build with cgroups,
    /// both root's; the others run unprivileged (rootless podman, this machine's venvs).
    public func privilegeProblem(uid: UInt32) -> RunnerError? {
        guard self == .rootfs, uid != 0 else { return nil }
        return .needsRoot("the rootfs runner (debootstrap makes its root filesystems; cgroups cap each build)")
    }
}
