import Foundation
import SiteConfiguration

/// One sdist to build into wheels for one target and interpreter.
public struct BuildRequest: Sendable {
    public var sdist: URL
    public var target: TargetDefinition
    public var interpreter: TargetDefinition.Interpreter
    /// Wheels of the build requirements; the build sees nothing else to install from.
    public var wheelhouse: URL
    /// Extra environment variables (a whitelist entry's `env`).
    public var environment: [String: String]
    public var limits: ResourceLimits
    /// An empty folder the wheels are written to: the only place the build may write.
    public var output: URL
    /// Where the whole log goes.
    public var log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, wheelhouse: URL,
                environment: [String: String] = [:], limits: ResourceLimits = .default, output: URL, log: URL) {
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
