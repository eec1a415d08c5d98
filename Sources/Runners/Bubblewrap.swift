import Foundation
import SiteConfiguration

/// bubblewrap: the rootfs read-only, fresh `/dev`, `/proc` and `/tmp`, every namespace unshared
/// (no network), no capabilities, a new session, and death with the parent.
struct Bubblewrap: Confinement {
    let rootfs: URL
    var description: String { "rootfs (bubblewrap)" }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var argv = ["bwrap", "--ro-bind", rootfs.path, "/", "--dev", "/dev", "--proc", "/proc",
                    "--tmpfs", "/tmp", "--tmpfs", "/run", "--tmpfs", "/var/tmp"]
        for mount in mounts {
            argv += [mount.writable ? "--bind" : "--ro-bind", mount.source.path, mount.destination]
        }
        argv += ["--unshare-all", "--die-with-parent", "--new-session", "--hostname", "wheelwright-build", "--clearenv"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { argv += ["--setenv", key, value] }
        argv += ["--chdir", "/tmp", "--"] + command
        return (argv, [:])
    }
}
