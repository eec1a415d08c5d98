import Foundation
import SiteConfiguration

/// No confinement: a venv on this machine, for development and quick tests only. The build
/// sees the host's paths, network and files; the control group still limits it.
struct HostProcess: Confinement {
    /// The venv's interpreter for each Python version.
    let interpreters: [String: String]
    let temporary: URL
    var description: String { "host" }

    func path(of mount: Mount) -> String { mount.source.path }

    func python(_ interpreter: TargetDefinition.Interpreter) -> String {
        interpreter.hostExecutable ?? interpreters[interpreter.version] ?? interpreter.executable
    }

    func invocation(of command: [String], mounts: [Mount], environment: [String: String], network: Bool, limits: ResourceLimits, name: String)
        -> (argv: [String], environment: [String: String]) {
        var merged = environment
        merged["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        merged["HOME"] = temporary.path
        merged["TMPDIR"] = temporary.path
        return (command, merged)
    }
}
