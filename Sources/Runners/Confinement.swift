import Foundation
import SiteConfiguration

/// A host folder made visible to a confined command.
struct Mount: Sendable, Hashable {
    let source: URL
    /// Where the command sees it (a folder that exists in every prepared rootfs and image).
    let destination: String
    let writable: Bool
}

/// How a runner shuts a command in: it turns the command, its mounts and its environment into
/// the command line that runs it confined.
protocol Confinement: Sendable {
    /// `rootfs (bubblewrap)`: for logs and provenance.
    var description: String { get }
    /// Where `mount` appears to the confined command.
    func path(of mount: Mount) -> String
    /// The interpreter to run, as the confined command sees it.
    func python(_ interpreter: TargetDefinition.Interpreter) -> String
    /// Makes the output folder writable for the confined user.
    func prepareOutput(_ folder: URL) throws
    /// The command line (run on the host) and its environment.
    func invocation(of command: [String], mounts: [Mount], environment: [String: String], limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String])
    /// Stops the build named `name` at its time limit, where killing its control group is not enough.
    func stop(name: String) async
}

extension Confinement {
    func path(of mount: Mount) -> String { mount.destination }
    func python(_ interpreter: TargetDefinition.Interpreter) -> String { interpreter.executable }
    func prepareOutput(_ folder: URL) throws {}
    func stop(name: String) async {}
}

/// The folders every root filesystem and image has for builds to see.
enum MountPoints {
    static let source = "/src"
    static let wheelhouse = "/wheelhouse"
    static let output = "/out"
    static let all = [source, wheelhouse, output, BuildDriver.mountPoint]
}

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

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], limits: ResourceLimits, name: String)
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
        let variables = environment.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }
        script += "exec chroot --userspec=\(Self.user) \"$root\" \"$@\"\n"
        let argv = ["unshare", "--mount", "--pid", "--net", "--ipc", "--uts", "--fork", "--kill-child", "--",
                    "/bin/sh", "-c", script, "wheelwright-chroot", "/usr/bin/env", "-i"] + variables + command
        var hostEnvironment = ["ROOTFS": rootfs.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        for (index, mount) in mounts.enumerated() { hostEnvironment["MOUNT\(index)"] = mount.source.path }
        return (argv, hostEnvironment)
    }
}

/// `podman run` (or `docker run`): no network, the image's root read-only, read-only mounts
/// but the output, limits given to the engine, removed when done.
struct ContainerEngine: Confinement {
    /// `podman` or `docker`.
    let engine: String
    let image: String
    /// Flags this machine's engine needs (`--runtime runc` where crun cannot run).
    let extraFlags: [String]
    var description: String { "oci (\(engine))" }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var argv = [engine, "run", "--rm", "--name", name, "--network=none", "--read-only",
                    "--tmpfs", "/tmp:rw,exec,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "--memory", String(limits.memoryBytes), "--pids-limit", String(limits.processes),
                    "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=\(limits.processes):\(limits.processes)"]
        argv += extraFlags
        for mount in mounts {
            argv += ["--volume", "\(mount.source.path):\(mount.destination):\(mount.writable ? "rw" : "ro")"]
        }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { argv += ["--env", "\(key)=\(value)"] }
        argv += ["--workdir", "/tmp", image] + command
        return (argv, ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"])
    }

    func stop(name: String) async {
        _ = try? await Shell.run([engine, "rm", "--force", "--time", "0", name])
    }
}

/// No confinement: a venv on this machine, for development and quick tests only. The build
/// sees the host's paths, network and files; the control group still limits it.
struct HostProcess: Confinement {
    /// The venv's interpreter for each Python version.
    let interpreters: [String: String]
    let temporary: URL
    var description: String { "host" }

    func path(of mount: Mount) -> String { mount.source.path }

    func python(_ interpreter: TargetDefinition.Interpreter) -> String {
        interpreters[interpreter.version] ?? interpreter.executable
    }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var merged = environment
        merged["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        merged["HOME"] = temporary.path
        merged["TMPDIR"] = temporary.path
        return (command, merged)
    }
}
