import Foundation
import SiteConfiguration

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
    /// The command line (run on the host) and its environment. `network` is on only for
    /// vendoring crates (with the host's resolver and CA certificates); never for a build.
    func invocation(of command: [String], mounts: [Mount], environment: [String: String], network: Bool, limits: ResourceLimits, name: String)
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
