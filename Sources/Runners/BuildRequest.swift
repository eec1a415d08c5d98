import Foundation
import SiteConfiguration

/// One sdist to build into wheels for one target and interpreter.
public struct BuildRequest: Sendable {
    public var sdist: URL
    public var target: TargetDefinition
    public var interpreter: TargetDefinition.Interpreter
    /// Wheels of the build requirements; the build sees nothing else to install from.
    public var wheelhouse: URL
    /// The crates `Runner.vendorCrates` vendored for this sdist, if it holds a Rust crate: cargo
    /// runs offline against them.
    public var crates: URL?
    /// Extra environment variables (a whitelist entry's `env`).
    public var environment: [String: String]
    public var limits: ResourceLimits
    /// An empty folder the wheels are written to: the only place the build may write.
    public var output: URL
    /// Where the whole log goes.
    public var log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, wheelhouse: URL,
                crates: URL? = nil, environment: [String: String] = [:], limits: ResourceLimits = .default, output: URL, log: URL) {
        self.crates = crates
        self.sdist = sdist
        self.target = target
        self.interpreter = interpreter
        self.wheelhouse = wheelhouse
        self.environment = environment
        self.limits = limits
        self.output = output
        self.log = log
    }
}
