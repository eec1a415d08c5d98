import Foundation
import SiteConfiguration

/// The crates of an sdist's Rust manifests, to vendor before its build: `cargo vendor` runs in
/// the target's environment with the network on (the only step that has it), writing into
/// `output`; the build then sees that folder read-only and runs cargo offline against it.
public struct CrateRequest: Sendable {
    public var sdist: URL
    public var target: TargetDefinition
    public var interpreter: TargetDefinition.Interpreter
    /// The folders, relative to the sdist's top folder, of each Cargo.toml to vendor for ("."
    /// for the top): the first is the main manifest, the others are synced with it.
    public var manifests: [String]
    /// Where the crates come from; nil: crates.io.
    public var registry: CrateRegistry?
    public var limits: ResourceLimits
    /// An empty folder: `vendor/` and the cargo configuration that points at it are written there.
    public var output: URL
    public var log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, manifests: [String],
                registry: CrateRegistry?, limits: ResourceLimits, output: URL, log: URL) {
        self.sdist = sdist
        self.target = target
        self.interpreter = interpreter
        self.manifests = manifests
        self.registry = registry
        self.limits = limits
        self.output = output
        self.log = log
    }
}
