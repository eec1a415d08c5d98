/// Which releases of a run have finished (built or not), for the releases that wait for their
/// build requirements. Every release task finishes its release whatever happens to it, and a
/// release only waits for releases started before it (`BuildOrder`), so every wait ends.
actor ReleaseCompletion {
    private var finished: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func wait(for release: String) async {
        if finished.contains(release) { return }
        await withCheckedContinuation { waiting[release, default: []].append($0) }
    }

    func isFinished(_ release: String) -> Bool { finished.contains(release) }

    func finish(_ release: String) {
        finished.insert(release)
        for continuation in waiting.removeValue(forKey: release) ?? [] { continuation.resume() }
    }
}
