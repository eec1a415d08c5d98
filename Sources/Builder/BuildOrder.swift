/// The order in which a plan's releases are built when build requirements are whitelisted: a
/// release whose sdist needs another planned project to be built (its `[build-system].requires`)
/// comes after that project's releases, so their wheels are in the company's index when its
/// wheelhouse is filled. Releases in a cycle, and those that need one, are refused with the cycle
/// named. A tool's wheel is installed with what it needs to run, so a release also waits for
/// the planned releases of those projects, transitively (hatchling's pathspec and pluggy before
/// what hatchling builds). Pure: releases in plan order, the projects each needs to be built,
/// and the projects each needs to run.
public struct BuildOrder: Sendable, Equatable {
    /// Releases to build, each after its prerequisites; otherwise in plan order.
    public let order: [String]
    /// The planned releases each release waits for.
    public let prerequisites: [String: [String]]
    /// Releases that cannot be built, and why.
    public let refused: [String: String]
    /// Each planned project's releases, in plan order.
    let releasesOfProject: [String: [String]]
    /// The projects each release needs to run.
    let runtime: [String: Set<String>]

    /// `releases` (`project==version`, in plan order) with their normalized project names;
    /// `needs` gives the projects each release needs to be built, `runtime` those it needs to
    /// run (projects not planned are ignored).
    public init(releases: [(release: String, project: String)], needs: [String: Set<String>], runtime: [String: Set<String>] = [:]) {
        var byProject: [String: [String]] = [:]
        for (release, project) in releases { byProject[project, default: []].append(release) }
        var prerequisites: [String: [String]] = [:]
        for (release, project) in releases {
            prerequisites[release] = Self.environment(needs[release] ?? [], of: project, releasesOfProject: byProject, runtime: runtime)
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
        releasesOfProject = byProject
        self.runtime = runtime
    }

    /// The longest chain of releases each waiting for the one before (its length is the
    /// graph's depth: how many builds one after another the run needs at least).
    public var longestChain: [String] {
        // Each release's depth and the prerequisite its longest chain comes through; ties go to
        // the earliest in the order, so the answer is the same every run.
        var depth: [String: Int] = [:]
        var through: [String: String] = [:]
        var deepest: String?
        for release in order {
            for prerequisite in prerequisites[release] ?? [] where (depth[prerequisite] ?? 0) > (through[release].flatMap { depth[$0] } ?? 0) {
                through[release] = prerequisite
            }
            depth[release] = (through[release].flatMap { depth[$0] } ?? 0) + 1
            if deepest.map({ (depth[$0] ?? 0) < (depth[release] ?? 0) }) ?? true { deepest = release }
        }
        var chain: [String] = []
        var current = deepest
        while let release = current {
            chain.insert(release, at: 0)
            current = through[release]
        }
        return chain
    }

    /// The planned releases a build environment holding `projects` is made of: theirs, and
    /// those of what they need to run, transitively; never `project`'s own (a backend that
    /// builds itself).
    static func environment(_ projects: Set<String>, of project: String, releasesOfProject: [String: [String]],
                            runtime: [String: Set<String>]) -> [String] {
        var projects = projects.subtracting([project])
        var pending = Array(projects)
        while let next = pending.popLast() {
            for tool in releasesOfProject[next] ?? [] {
                for dependency in runtime[tool] ?? [] where dependency != project && projects.insert(dependency).inserted {
                    pending.append(dependency)
                }
            }
        }
        return projects.sorted().flatMap { releasesOfProject[$0] ?? [] }
    }

    /// The planned releases a build environment of `project` holding `projects` comes to, for
    /// what a release learns it needs only while building (a backend's dynamic requirements).
    public func releases(for projects: Set<String>, of project: String) -> [String] {
        Self.environment(projects, of: project, releasesOfProject: releasesOfProject, runtime: runtime)
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
