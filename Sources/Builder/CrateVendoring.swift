import Basics
import Crypto
import Foundation
import Runners
import SiteConfiguration
import Upstream

/// Vendored crates, kept in the download cache by the digest of the lock files (and the
/// registry they came from), exactly like the wheelhouses of build requirements: vendored once
/// with the network on, then every build of any target with the same Cargo.lock runs offline
/// against them.
public struct CrateVendoring: Sendable {
    /// `<cache>/crates/<key>/`: `vendor/`, the cargo configuration, `.complete`.
    public let root: URL
    public let registry: CrateRegistry?

    public init(cache: DownloadCache, registry: CrateRegistry?) {
        root = cache.root.appendingPathComponent("crates")
        self.registry = registry
    }

    /// The vendored crates of `manifests`, vendored by `runner` into the cache if they are not
    /// there yet; nil with cargo's outcome when vendoring failed (its output is in `log`).
    public func crates(for manifests: CargoManifests, of sdist: URL, runner: any Runner, target: TargetDefinition,
                       interpreter: TargetDefinition.Interpreter, limits: ResourceLimits, log: URL) async throws -> VendorOutcome {
        let key = String(manifests.digest.prefix(24)) + (registry.map { "-" + String(Self.digest(of: $0.description).prefix(8)) } ?? "")
        let final = root.appendingPathComponent(key)
        let fm = FileManager.default
        if CompletedFolder.isComplete(final) {
            return VendorOutcome(status: .exited(0), limitsHit: [], crates: final)
        }
        let partial = root.appendingPathComponent("partial-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: partial) }
        do {
            try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        } catch {
            throw RunnerError.io("cannot make \(partial.path) for the vendored crates: \(error.localizedDescription)")
        }
        let outcome = try await runner.vendorCrates(CrateRequest(sdist: sdist, target: target, interpreter: interpreter, manifests: manifests.folders,
                                                                 registry: registry, limits: limits, output: partial, log: log))
        guard outcome.crates != nil else { return outcome }
        try Self.verify(partial, manifests: manifests, log: log)
        do {
            try CompletedFolder.finish(partial, as: final, note: manifests.folders.joined(separator: "\n"))
        } catch {
            throw RunnerError.io("cannot keep the vendored crates in \(final.path): \(error.localizedDescription)")
        }
        return VendorOutcome(status: outcome.status, limitsHit: [], crates: final)
    }

    /// The partial folder holds `vendor/`, whose crates are what the locks pin, and the cargo
    /// configuration, nothing else; otherwise the sdist is refused as hostile input.
    static func verify(_ partial: URL, manifests: CargoManifests, log: URL) throws {
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: partial.path)) ?? [])
        let configuration = partial.appendingPathComponent(VendorOutcome.configurationFile)
        let isRegular = (try? FileManager.default.attributesOfItem(atPath: configuration.path))?[.type] as? FileAttributeType == .typeRegular
        guard names == ["vendor", VendorOutcome.configurationFile], isRegular else {
            throw RunnerError.hostileInput("the vendored crates' folder holds \(names.sorted().joined(separator: ", ")) instead of vendor and \(VendorOutcome.configurationFile)", log: log.path)
        }
        do {
            try VendoredCrates(vendor: partial.appendingPathComponent("vendor")).verify(locks: manifests.locks)
        } catch {
            throw RunnerError.hostileInput(error.description, log: log.path)
        }
    }

    private static func digest(of text: String) -> String { SHA256.hash(data: Array(text.utf8)).hex }
}
