import Foundation
import IndexAPI
import IndexStore
import TestSupport
import Testing

/// A blob folder shared by replicas on one PostgreSQL catalog: a replica starting (or any
/// collection) removes only what no row names and no upload can still be about to record.
@Suite("Blobs shared by replicas", .sharedPostgres, .timeLimit(.minutes(5)))
struct SharedBlobTests {
    /// A blob file named by `digest`, last modified `age` seconds ago.
    static func plant(_ blobs: BlobStore, _ digest: BlobDigest, age: TimeInterval) throws -> URL {
        let url = blobs.path(of: digest)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("bytes".utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        return url
    }

    /// A store on a new catalog with alice and her volatile `dev`, and a replica of it on the same folder.
    static func storeWithReplica(_ folder: TemporaryFolder) async throws -> (IndexService, IndexService, IndexID) {
        let database = try await CatalogEngine.makePostgresDatabase()
        let service = try await IndexService(directory: folder.url, database: database)
        let index = try IndexID(user: "alice", index: "dev")
        try await service.catalog.createUser("alice", passwordHash: "h")
        try await service.catalog.createIndex(index, settings: IndexSettings(volatile: true))
        return await (service, try IndexService(directory: folder.url, database: try CatalogEngine.replica(of: database)), index)
    }

    static func file(_ digest: BlobDigest, in index: IndexID) -> StoredFile {
        StoredFile(index: index, filename: "demo-1.0.tar.gz", project: "demo", version: "1.0", kind: .sdist, sha256: digest.hex, size: 5,
                   uploadTime: 0, uploader: "alice", requiresPython: nil, metadataSHA256: nil, provenance: nil)
    }

    @Test("a replica's start collects old unreferenced blobs and temporary files, keeps young ones and every referenced blob")
    func collection() async throws {
        let folder = try TemporaryFolder()
        let (first, _, index) = try await Self.storeWithReplica(folder)
        let referencedDigest = try #require(BlobDigest(String(repeating: "a", count: 64)))
        let referenced = try Self.plant(first.blobs, referencedDigest, age: 7200)
        _ = try await first.catalog.addFile(Self.file(referencedDigest, in: index))
        let oldOrphan = try Self.plant(first.blobs, try #require(BlobDigest(String(repeating: "b", count: 64))), age: 7200)
        let youngOrphan = try Self.plant(first.blobs, try #require(BlobDigest(String(repeating: "c", count: 64))), age: 60)
        let oldTemporary = folder.url.appendingPathComponent("tmp/old-upload"), youngTemporary = folder.url.appendingPathComponent("tmp/young-upload")
        for (url, age) in [(oldTemporary, 7200.0), (youngTemporary, 5.0)] {
            try Data("partial".utf8).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        }
        // Another replica starts on the same folder and catalog.
        _ = try await IndexService(directory: folder.url, database: first.catalog.database)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        #expect(exists(referenced) && exists(youngOrphan) && exists(youngTemporary))
        #expect(!exists(oldOrphan) && !exists(oldTemporary))
        // An hour on, the young orphan is old enough; the referenced blob stays whatever its age.
        let later = try await first.collectGarbage(now: Date().addingTimeInterval(IndexService.sharedGrace + 120))
        #expect(later.orphans == 1 && later.temporaries == 1 && exists(referenced) && !exists(youngOrphan))
    }

    @Test("a collection waits for the catalog's write lock: a file recorded meanwhile keeps its blob")
    func collectionUnderLock() async throws {
        let folder = try TemporaryFolder()
        let (service, replica, index) = try await Self.storeWithReplica(folder)
        let digest = try #require(BlobDigest(String(repeating: "d", count: 64)))
        // The upload holds the write lock with its blob placed but its row not yet committed;
        // a collection far in the future (every blob "old") starts meanwhile on the replica.
        let placed = AsyncStream<Void>.makeStream()
        let collected = Task.detached { () throws -> Int in
            for await _ in placed.stream { break }
            return try await replica.collectGarbage(now: Date().addingTimeInterval(10 * IndexService.sharedGrace)).orphans
        }
        _ = try await service.catalog.addFile(Self.file(digest, in: index)) {
            _ = try Self.plant(service.blobs, digest, age: 0)
            placed.continuation.yield()
            Thread.sleep(forTimeInterval: 0.5)  // the collection must wait here, not delete
        }
        #expect(try await collected.value == 0)
        #expect(FileManager.default.fileExists(atPath: service.blobs.path(of: digest).path))
    }
}
