import Foundation
import PythonPackaging
import Upstream
import Whitelist

/// `wheelwright fetch`: every sdist the whitelist selects for the chosen packages, resolved and
/// downloaded into the cache `width` packages at a time (the build job's `Gate`); denied
/// versions skipped; every failure an outcome, never a thrown error.
public struct SourceFetch: Sendable {
    public enum Status: String, Encodable, Sendable {
        case fetched, cached, denied, failed
    }

    /// One version of one package: what happened to it, where its sdist is, or why not.
    public struct Outcome: Encodable, Sendable, Equatable {
        public let name: String
        /// `*` when the package's versions could not be resolved.
        public let version: String
        public let status: Status
        public let file, path, error: String?
    }

    let sources: SourceFetcher
    let width: Int

    public init(sources: SourceFetcher, width: Int) {
        (self.sources, self.width) = (sources, max(1, width))
    }

    /// The packages of `whitelist` named in `only` (any spelling; empty: all) and built for
    /// `target` (nil: any).
    public static func packages(of whitelist: Whitelist, only: [String], target: String?) -> [ResolvedPackage] {
        let wanted = Set(only.map { ProjectName.normalize($0) })
        return whitelist.packages.filter { package in
            (wanted.isEmpty || wanted.contains(package.entry.name.normalized)) && (target.map(package.targets.contains) ?? true)
        }
    }

    /// Fetches `packages`; `finished` hears each package's outcomes as it ends. Outcomes sorted
    /// by name and version.
    public func run(_ packages: [ResolvedPackage], whitelist: Whitelist,
                    finished: @escaping @Sendable ([Outcome]) -> Void = { _ in }) async -> [Outcome] {
        let gate = Gate(width: width)
        let outcomes = await withTaskGroup(of: [Outcome].self) { group in
            for package in packages {
                group.addTask {
                    await gate.enter()
                    let outcomes = await fetch(package, whitelist: whitelist)
                    await gate.leave()
                    finished(outcomes)
                    return outcomes
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        return outcomes.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// Resolves and downloads one entry's versions.
    private func fetch(_ package: ResolvedPackage, whitelist: Whitelist) async -> [Outcome] {
        let name = package.entry.name
        let failed = { (version: String, error: String) in
            Outcome(name: name.normalized, version: version, status: .failed, file: nil, path: nil, error: error)
        }
        let versions: [Version]
        do {
            versions = try await sources.versions(of: package.entry)
        } catch {
            return [failed("*", "\(error)")]
        }
        guard !versions.isEmpty else { return [failed("*", "no release of \(name) matches \(package.entry.selection)")] }
        var outcomes: [Outcome] = []
        for version in versions {
            if let rule = whitelist.denial(of: name, version: version) {
                outcomes.append(Outcome(name: name.normalized, version: version.description, status: .denied, file: nil, path: nil,
                                        error: "denied at \(rule.location): \(rule.reason)"))
                continue
            }
            do {
                let found = try await sources.fetch(project: name.original, version: version)
                outcomes.append(Outcome(name: name.normalized, version: version.description, status: found.wasCached ? .cached : .fetched,
                                        file: found.filename, path: found.path.path, error: nil))
            } catch {
                outcomes.append(failed(version.description, "\(error)"))
            }
        }
        return outcomes
    }
}
