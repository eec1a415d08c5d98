import Foundation
import SiteConfiguration

/// bubblewrap: the rootfs read-only, fresh `/dev`, `/proc` and `/tmp`, every namespace unshared
/// (no network, but for vendoring crates), no capabilities, a new session, and death with the parent.
struct Bubblewrap: Confinement {
    let rootfs: URL
    var description: String { "rootfs (bubblewrap)" }
    /// The host's CA bundle, which a proxy's certificate may have been added to.
    static let certificates = "/etc/ssl/certs/ca-certificates.crt"

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], network: Bool, limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var argv = ["bwrap", "--ro-bind", rootfs.path, "/", "--dev", "/dev", "--proc", "/proc",
                    "--tmpfs", "/tmp", "--tmpfs", "/run", "--tmpfs", "/var/tmp"]
        for mount in mounts {
            argv += [mount.writable ? "--bind" : "--ro-bind", mount.source.path, mount.destination]
        }
        if network {
            argv += ["--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf", "--ro-bind", Self.certificates, Self.certificates]
        }
        argv += ["--unshare-all"] + (network ? ["--share-net"] : []) + ["--die-with-parent", "--new-session", "--hostname", "wheelwright-build", "--clearenv"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { argv += ["--setenv", key, value] }
        argv += ["--chdir", "/tmp", "--"] + command
        return (argv, [:])
    }
}
