import Foundation
import Synchronization

/// Group commit of uploads. Each validated upload waits here; one committing task at a time
/// takes every upload waiting (up to `batchLimit`) and makes them durable together: their blobs'
/// writeback started all at once, then fsynced (on a Dispatch thread: fsync blocks); one catalog
/// transaction that checks, moves into place and records each; one fsync per blob folder; one
/// commit. Alone, an upload pays the hop to the committing task and back; under concurrent
/// uploads, the journal commits, the write lock and the catalog's commit are shared by the batch
/// instead of being paid once per file.
///
/// The order a crash must respect is kept for every file: its blob durable in `tmp/`, then
/// renamed and its folder synced, then its row committed.
final class UploadCommitter: Sendable {
    /// One validated upload: its row, its blob and build log (finished here) with their digests.
    struct Upload: Sendable {
        let file: StoredFile
        let identity: String
        let metadata: [UInt8]
        let search: SearchDocument
        let blob: TemporaryBlob
        let digest: BlobDigest
        let buildLog: (blob: TemporaryBlob, digest: BlobDigest)?
    }

    /// An upload and who waits for its outcome.
    private struct Waiter: Sendable {
        let upload: Upload
        let done: @Sendable (Result<UploadOutcome, any Error>) -> Void
    }

    static let batchLimit = 128

    private let catalog: Catalog
    private let blobs: BlobStore
    /// The uploads waiting, and whether a committing task is running (at most one is).
    private let queue = Mutex((waiting: [Waiter](), committing: false))
    /// Uploads handed in and not yet answered, and catalog transactions run: what a test reads
    /// to see that uploads waiting together were committed together.
    private let counts = Mutex((unanswered: 0, transactions: 0))

    init(catalog: Catalog, blobs: BlobStore) {
        (self.catalog, self.blobs) = (catalog, blobs)
    }

    /// Commits `upload` with whatever else is waiting; returns its outcome.
    func commit(_ upload: Upload) async throws -> UploadOutcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(Waiter(upload: upload) { continuation.resume(with: $0) })
        }
    }

    var unanswered: Int { counts.withLock { $0.unanswered } }
    var transactions: Int { counts.withLock { $0.transactions } }

    private func enqueue(_ waiter: Waiter) {
        counts.withLock { $0.unanswered += 1 }
        let start = queue.withLock { queue in
            queue.waiting.append(waiter)
            defer { queue.committing = true }
            return !queue.committing
        }
        if start { Task { await self.commitWhileWaiting() } }
    }

    /// Commits batches until none is waiting; uploads arriving meanwhile join the next batch.
    private func commitWhileWaiting() async {
        while true {
            let batch = queue.withLock { queue in
                let taken = Array(queue.waiting.prefix(Self.batchLimit))
                queue.waiting.removeFirst(taken.count)
                if taken.isEmpty { queue.committing = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Waiter]) async {
        let uploads = batch.map(\.upload)
        var results = await BlockingWork.run { Self.makeDurable(uploads) }
        let durable = uploads.indices.filter { results[$0] == nil }
        // The folders the batch's blobs go to, each synced once after every rename (one that
        // received nothing, an upload judged already present, costs only an open).
        let folders = Set(durable.flatMap { position in
            ([uploads[position].digest] + [uploads[position].buildLog?.digest].compactMap { $0 }).map { blobs.path(of: $0).deletingLastPathComponent() }
        })
        do {
            let recorded = try await catalog.addFiles(durable.map { position in
                let upload = uploads[position]
                return Catalog.NewFile(upload.file, identity: upload.identity, metadata: upload.metadata, search: upload.search) { [blobs] in
                    _ = try blobs.move(upload.blob, to: upload.digest)
                    if let log = upload.buildLog { _ = try blobs.move(log.blob, to: log.digest) }
                }
            }, beforeCommit: {
                await BlockingWork.run { for folder in folders { BlobStore.synchronizeDirectory(folder) } }
            })
            for (position, result) in zip(durable, recorded) { results[position] = result.mapError { $0 } }
        } catch {
            for position in durable { results[position] = .failure(error) }
        }
        counts.withLock { counts in
            counts.unanswered -= batch.count
            if !durable.isEmpty { counts.transactions += 1 }
        }
        for (waiter, result) in zip(batch, results) {
            let outcome = result ?? .failure(StoreError(.internalError, "an upload was left out of its commit"))
            if case .success(.stored) = outcome {} else {
                blobs.discard(waiter.upload.blob)
                if let log = waiter.upload.buildLog { blobs.discard(log.blob) }
            }
            waiter.done(outcome)
        }
    }

    /// Starts every blob's writeback at once, then waits for each: a failure is that upload's
    /// outcome, the others go on.
    private static func makeDurable(_ uploads: [Upload]) -> [Result<UploadOutcome, any Error>?] {
        var results = [Result<UploadOutcome, any Error>?](repeating: nil, count: uploads.count)
        for upload in uploads {
            upload.blob.startWriteback()
            upload.buildLog?.blob.startWriteback()
        }
        for (position, upload) in uploads.enumerated() {
            do {
                _ = try upload.blob.finish()
                _ = try upload.buildLog?.blob.finish()
            } catch {
                results[position] = .failure(error)
            }
        }
        return results
    }
}
