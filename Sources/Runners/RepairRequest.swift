import Foundation
import SiteConfiguration

/// One built wheel to repair where it was built: auditwheel (from `tools`, a wheelhouse) grafts
/// the shared libraries it links from the build environment into it; or, without `graft`, the
/// libraries are only described (the Debian packages a consumer must install).
public struct RepairRequest: Sendable {
    public var wheel: URL
    public var target: TargetDefinition
    public var interpreter: TargetDefinition.Interpreter
    /// A wheelhouse holding auditwheel and its dependencies.
    public var tools: URL
    /// The sonames the wheel needs from outside any manylinux policy, to describe.
    public var libraries: [String]
    public var graft: Bool
    public var limits: ResourceLimits
    /// An empty folder the repaired wheel is written to.
    public var output: URL
    public var log: URL

    public init(wheel: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, tools: URL, libraries: [String],
                graft: Bool = true, limits: ResourceLimits = .default, output: URL, log: URL) {
        self.wheel = wheel
        self.target = target
        self.interpreter = interpreter
        self.tools = tools
        self.libraries = libraries
        self.graft = graft
        self.limits = limits
        self.output = output
        self.log = log
    }
}
