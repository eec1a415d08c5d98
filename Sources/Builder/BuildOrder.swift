/// The order in which a plan's releases are built when build requirements are whitelisted: a
/// release whose sdist needs another planned project to be built (its `[build-system].requires`)
/// comes after that project's releases, so their wheels are in the company's index when its
/// wheelhouse is filled. Releases in a cycle, and those that need one, are refused with the cycle
/// named. Pure: releases in plan order, and the projects each needs to be built.
public struct BuildOrder: Sendable, Equatable {
    /// Releases to build, each after its prerequisites; otherwise in plan order.
    public let order: [String]
    /// The planned releases each release waits for.
    public let prerequisites: [String: [String]]
    /// Releases that cannot be built, and why.
    public let refused: [String: String]

    /// `releases` (`project==version`, in plan order) with their normalized project names;
    /// `needs` gives the projects each release needs to be built (others are ignored).
    public init(releases: [(release: String, project: String)], needs: [String: Set<String>]) {
        var byProject: [String: [String]] = [:]
        for (release, project) in releases { byProject[project, default: []].append(release) }
        var prerequisites: [String: [String]] = [:]
        for (release, project) in releases {
            prerequisites[release] = (needs[release] ?? []).filter { $0 != project }.sorted().flatMap { byProject[$0] ?? [] }
        }
        // Kahn's algorithm, always taking the earliest ready release in plan order.
        let position = Dictionary(releases.enumerated().map { ($0.element.release, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var waiting = prerequisites.mapValues(\.count)
        var dependents: [String: [String]] = [:]
        for (release, needed) in prerequisites { for prerequisite in needed { dependents[prerequisite, default: []].append(release) } }
        var ready = releases.map(\.release).filter { waiting[$0] == 0 }.map { position[$0] ?? 0 }   // kept sorted
        var order: [String] = []
        while !ready.isEmpty {
            let release = releases[ready.removeFirst()].release
            order.append(release)
            for dependent in dependents[release] ?? [] {
                waiting[dependent, default: 0] -= 1
                guard waiting[dependent] == 0, let index = position[dependent] else { continue }
                ready.insert(index, at: ready.firstIndex { $0 > index } ?? ready.endIndex)
            }
        }
        let done = Set(order)
        var refused: [String: String] = [:]
        for (release, _) in releases where !done.contains(release) {
            refused[release] = Self.cycle(from: release, prerequisites: prerequisites, blocked: Set(releases.map(\.release)).subtracting(done))
        }
        self.order = order
        self.prerequisites = prerequisites.filter { !$0.value.isEmpty }
        self.refused = refused
    }

    /// Why a release left over by the sort cannot be built: the cycle it is in, or the one it
    /// needs a member of.
    private static func cycle(from release: String, prerequisites: [String: [String]], blocked: Set<String>) -> String {
        var path = [release]
        var current = release
        while let next = prerequisites[current]?.first(where: blocked.contains) {
            if let start = path.firstIndex(of: next) {
                let loop = (path[start...] + [next]).joined(separator: " → ")
                return start == 0 ? "build requirement cycle: \(loop)" : "needs \(path[1]), which is in a build requirement cycle: \(loop)"
            }
            path.append(next)
            current = next
        }
        return "build requirement cycle through \(release)"
    }
}
