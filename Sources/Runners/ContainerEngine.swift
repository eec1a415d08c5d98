import Foundation
import SiteConfiguration

/// `podman run` (or `docker run`): no network, the image's root read-only, read-only mounts
/// but the output, limits given to the engine, removed when done.
struct ContainerEngine: Confinement {
    /// `podman` or `docker`.
    let engine: String
    let image: String
    /// Flags this machine's engine needs (`--runtime runc` where crun cannot run).
    let extraFlags: [String]
    var description: String { "oci (\(engine))" }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], network: Bool, limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var argv = [engine, "run", "--rm", "--name", name, network ? "--network=host" : "--network=none", "--read-only",
                    "--tmpfs", "/tmp:rw,exec,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "--memory", String(limits.memoryBytes), "--pids-limit", String(limits.processes),
                    "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=\(limits.processes):\(limits.processes)"]
        argv += extraFlags
        if network { argv += ["--volume", "\(Bubblewrap.certificates):\(Bubblewrap.certificates):ro"] }
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
