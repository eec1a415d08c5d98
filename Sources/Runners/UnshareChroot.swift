import Foundation
import SiteConfiguration

/// Where bubblewrap is missing: `unshare` into new mount, PID, network, IPC and UTS namespaces,
/// then a read-only bind of the rootfs, a private `/tmp`, a minimal `/dev`, and `chroot` as an
/// unprivileged user (so no capabilities are kept inside).
struct UnshareChroot: Confinement {
    let rootfs: URL
    /// The user the build runs as (nobody); the output folder is made writable for it.
    static let user = "65534:65534"
    var description: String { "rootfs (unshare + chroot)" }

    func prepareOutput(_ folder: URL) throws {
        guard chown(folder.path, 65534, 65534) == 0 else {
            throw RunnerError.io("cannot hand the output folder \(folder.path) to the build user: \(String(cString: strerror(errno)))")
        }
    }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], network: Bool, limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var script = """
            set -e
            root="$ROOTFS"
            mount --make-rprivate /
            mount --bind "$ROOTFS" "$root"
            mount -o remount,bind,ro "$root"
            mount -t proc proc "$root/proc"
            mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
            mount -t tmpfs tmpfs "$root/run"
            mount -t tmpfs -o mode=755 tmpfs "$root/dev"
            for device in null zero full random urandom tty; do
              touch "$root/dev/$device"; mount --bind "/dev/$device" "$root/dev/$device"
            done

            """
        for (index, mount) in mounts.enumerated() {
            script += "mount --bind \"$MOUNT\(index)\" \"$root\(mount.destination)\"\n"
            if !mount.writable { script += "mount -o remount,bind,ro \"$root\(mount.destination)\"\n" }
        }
        if network {
            for file in ["/etc/resolv.conf", Bubblewrap.certificates] { script += "mount --bind \(file) \"$root\(file)\"\n" }
        }
        let variables = environment.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }
        script += "exec chroot --userspec=\(Self.user) \"$root\" \"$@\"\n"
        let argv = ["unshare", "--mount", "--pid"] + (network ? [] : ["--net"]) + ["--ipc", "--uts", "--fork", "--kill-child", "--",
                    "/bin/sh", "-c", script, "wheelwright-chroot", "/usr/bin/env", "-i"] + variables + command
        var hostEnvironment = ["ROOTFS": rootfs.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        for (index, mount) in mounts.enumerated() { hostEnvironment["MOUNT\(index)"] = mount.source.path }
        return (argv, hostEnvironment)
    }
}
