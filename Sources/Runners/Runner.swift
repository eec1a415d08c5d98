import Foundation
import PythonPackaging
import SiteConfiguration

/// Builds wheels from sdists in some environment.
public protocol Runner: Sendable {
    /// `rootfs (bubblewrap)`: the runner and how it confines builds, for logs and provenance.
    var description: String { get }
    /// The backend's dynamic build requirements (PEP 517 `get_requires_for_build_wheel`), asked in
    /// the same confinement as the build, with the static ones installed from the request's wheelhouse.
    /// What the backend says is hostile: a string that is not a plain requirement throws
    /// `PackagingError.refusedBuildRequirement`.
    func dynamicRequirements(for request: BuildRequest) async throws -> [IndexRequirement]
    /// Vendors the crates of the request's Cargo manifests into its output folder: the one step
    /// with the network on, run before the build; the build then uses only those crates.
    func vendorCrates(_ request: CrateRequest) async throws -> VendorOutcome
    /// Builds the request's sdist into wheels in its output folder.
    func build(_ request: BuildRequest) async throws -> BuildOutcome
    /// Repairs a built wheel in its build environment (no network): auditwheel, installed from
    /// the request's tools wheelhouse, grafts the libraries it links from there.
    func repair(_ request: RepairRequest) async throws -> RepairOutcome
    /// Runs the interpreter in the build environment (no network), with `folder` visible read-only;
    /// `arguments` gets the path it is visible at. Used to try built wheels where they will run.
    func runPython(_ interpreter: TargetDefinition.Interpreter, arguments: (_ folder: String) -> [String],
                   seeing folder: URL, log: URL, limits: ResourceLimits) async throws -> ExitStatus
}
