/// Which releases of a run have finished (built or not), for the releases that wait for their
/// build requirements. Every release task finishes its release whatever happens to it. A release
/// waits for its prerequisites before it takes a slot (`BuildOrder` has no cycles), and for what
/// it learns it needs while building (a backend's dynamic requirements, the wheel repair's
/// tools) only after giving its slot up and only when that wait closes no cycle of waits, so
/// every wait ends.
actor ReleaseCompletion {
    private var finished: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// The releases each release waits for while building.
    private var learnt: [String: [String]] = [:]

    func wait(for release: String) async {
        if finished.contains(release) { return }
        await withCheckedContinuation { waiting[release, default: []].append($0) }
    }

    func isFinished(_ release: String) -> Bool { finished.contains(release) }

    /// Whether `release` waits for what it learnt it needs (for tests).
    func isWaitingForTest(_ release: String) -> Bool { learnt[release] != nil }

    /// Why a finished release failed, per target.
    private var failures: [String: [String: String]] = [:]

    /// The first of `releases` that failed on `target`, and why.
    func failure(of releases: [String], target: String) -> (release: String, reason: String)? {
        for release in releases { if let reason = failures[release]?[target] { return (release, reason) } }
        return nil
    }

    /// `release` is done; `failed` gives the targets it failed on, with why.
    func finish(_ release: String, failed: [String: String] = [:]) {
        if !failed.isEmpty { failures[release] = failed }
        finished.insert(release)
        for continuation in waiting.removeValue(forKey: release) ?? [] { continuation.resume() }
    }

    /// Waits for those of `releases` not finished, on behalf of `waiter` (which holds no slot);
    /// throws the cycle instead when one of them waits, through prerequisites or its own learnt
    /// waits, for `waiter`.
    func wait(for releases: [String], by waiter: String, prerequisites: [String: [String]]) async throws(BuilderError) {
        let pending = releases.filter { !finished.contains($0) && $0 != waiter }
        for release in pending {
            if let path = path(from: release, to: waiter, prerequisites: prerequisites) {
                throw .buildRequirementCycle(([waiter] + path).joined(separator: " → "))
            }
        }
        learnt[waiter] = pending
        for release in pending { await wait(for: release) }
        learnt[waiter] = nil
    }

    /// The unfinished releases from `start` to `goal` along what each waits for, if any.
    private func path(from start: String, to goal: String, prerequisites: [String: [String]]) -> [String]? {
        var previous: [String: String] = [start: start]
        var queue = [start]
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            if current == goal {
                var path = [current]
                while let before = previous[path[0]], before != path[0] { path.insert(before, at: 0) }
                return path
            }
            for next in (prerequisites[current] ?? []) + (learnt[current] ?? []) where !finished.contains(next) && previous[next] == nil {
                previous[next] = current
                queue.append(next)
            }
        }
        return nil
    }
}
