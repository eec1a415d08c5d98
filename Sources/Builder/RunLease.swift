import Foundation

/// The run's lease on its share of the plan, held by the index (so that shard i/n runs on one
/// machine at a time, whichever machines start it): taken at the start, renewed every third of
/// its life while the run lives, ended when it finishes. A crashed run stops renewing, and its
/// lease expires after `seconds`.
final class RunLease: Sendable {
    let publisher: any IndexPublisher
    let name: String
    let owner: String
    private let renewal: Task<Void, Never>

    /// Takes the lease for `seconds` (renewed every third of it); `BuilderError.locked` when
    /// another run holds it (or an overlapping one).
    init(publisher: any IndexPublisher, name: String, owner: String = RunLease.defaultOwner, seconds: Int = 120) async throws {
        try await publisher.acquireLease(name, owner: owner, seconds: seconds)
        (self.publisher, self.name, self.owner) = (publisher, name, owner)
        renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Double(seconds) / 3))
                guard !Task.isCancelled else { return }
                do {
                    try await publisher.acquireLease(name, owner: owner, seconds: seconds)
                } catch {
                    FileHandle.standardError.write(Data("warning: renewing the build lease \(name) failed: \(error)\n".utf8))
                }
            }
        }
    }

    /// Stops renewing and gives the lease back (a failure to give it back only lets it expire).
    /// A renewal in flight is awaited first: answered after the release, it would take the
    /// lease again for its whole life.
    func end() async {
        renewal.cancel()
        await renewal.value
        try? await publisher.releaseLease(name, owner: owner)
    }

    /// `host pid N`: which process holds it, for the message another run prints.
    static var defaultOwner: String {
        "\(ProcessInfo.processInfo.hostName) pid \(getpid())"
    }
}
