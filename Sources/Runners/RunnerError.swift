/// What went wrong preparing an environment or running a build, said for the person running it.
public enum RunnerError: Error, Sendable, CustomStringConvertible {
    /// A tool the runner needs is not installed.
    case missingTool(String, install: String)
    /// Making a root filesystem or image failed; the tail of its log.
    case preparationFailed(target: String, step: String, tail: String)
    case needsRoot(String)
    case noInterpreter(target: String, version: String, available: [String])
    /// A target's relocatable interpreter (`home:`) is not where its definition says.
    case missingRelocatableInterpreter(version: String, executable: String)
    /// The requirements probe did not answer.
    case probeFailed(reason: String, log: String)
    /// The driver refused the sdist (a member that would leave its tree, a git source to
    /// vendor): the log line after `hostileInputMark`.
    case hostileInput(String, log: String)
    case io(String)
    /// The sdist to build is not there.
    case missingSdist(String)

    /// How the build driver starts a log line that names hostile input.
    public static let hostileInputMark = "wheelwright: hostile input:"

    public var description: String {
        switch self {
        case .missingTool(let tool, let install):
            "'\(tool)' is not installed: \(install)"
        case .preparationFailed(let target, let step, let tail):
            "preparing \(target) failed at \(step):\n\(tail)"
        case .needsRoot(let what):
            "\(what) needs root: run it as root (or with sudo; the wheelwright-build.service does), or choose --runner oci (rootless podman) or host (no isolation)"
        case .noInterpreter(let target, let version, let available):
            "target \(target) has no Python \(version) (it has \(available.joined(separator: ", ")))"
        case .missingRelocatableInterpreter(let version, let executable):
            "the relocatable Python \(version) is missing: \(executable) is not an executable file; unpack a relocatable CPython build (python-build-standalone's install_only) so that its bin/python\(version) is there, or fix 'home:' in the target definition"
        case let .hostileInput(reason, log):
            "hostile input: \(reason); nothing of it ran outside the sandbox: review this release before whitelisting it (log: \(log))"
        case .probeFailed(let reason, let log):
            "asking the build backend for its requirements failed: \(reason) (log: \(log))"
        case .io(let message):
            message
        case .missingSdist(let path):
            "no such sdist: \(path)"
        }
    }
}
