import Foundation
import IndexAPI
@testable import IndexStore
import TestSupport
import Testing

/// Uploads that wait together are committed together (one transaction, one commit), and each
/// still gets the outcome it would get alone: stored, already present, or refused.
@Suite("Group commit of uploads", .sharedPostgres, .timeLimit(.minutes(5)))
struct UploadCommitTests {
    @Test("uploads queued behind a held write lock commit in one more transaction, each with its own outcome", arguments: CatalogEngine.allCases)
    func groupCommit(engine: CatalogEngine) async throws {
        let folder = try TemporaryFolder()
        let database: (any CatalogDatabase)? = engine == .postgresql ? try await CatalogEngine.makePostgresDatabase() : nil
        let service = try await IndexService(directory: folder.url.appendingPathComponent("store"), database: database)
        try await service.catalog.createUser("alice", passwordHash: "h")
        let stable = try IndexID(user: "alice", index: "stable")
        try await service.catalog.createIndex(stable, settings: IndexSettings(volatile: false))
        let alice = Identity(user: "alice")
        // Eight distinct wheels, one of them sent twice, and two different wheels of one name.
        var paths: [String] = []
        for number in 0..<8 { paths.append(try await makeDistribution(in: folder, "demo\(number)", "1.0")) }
        paths.append(paths[0])
        let clash = try TemporaryFolder(), other = try TemporaryFolder()
        paths.append(try await makeDistribution(in: clash, "clash", "1.0", payload: "one"))
        paths.append(try await makeDistribution(in: other, "clash", "1.0", payload: "two"))

        // Hold the catalog's write lock until every upload is waiting on the committer.
        let (held, holding) = AsyncStream<Void>.makeStream(), (released, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await service.catalog.database.write { _ in
                holding.yield()
                for await _ in released { break }
            }
        }
        for await _ in held { break }
        let before = service.committer.transactions
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<UploadOutcome, StoreError>).self) { group in
            for (position, path) in paths.enumerated() {
                group.addTask {
                    var blob = try service.blobs.makeTemporaryFile()
                    try blob.write(try Data(contentsOf: URL(fileURLWithPath: path)))
                    do {
                        return (position, .success(try await service.upload(blob, filename: URL(fileURLWithPath: path).lastPathComponent,
                                                                            to: stable, by: alice, declared: .init())))
                    } catch let error as StoreError {
                        return (position, .failure(error))
                    }
                }
            }
            while service.committer.unanswered < paths.count { try await Task.sleep(for: .milliseconds(5)) }
            release.yield()
            var outcomes: [Int: Result<UploadOutcome, StoreError>] = [:]
            for try await (position, outcome) in group { outcomes[position] = outcome }
            return outcomes
        }
        try await holder.value
        // The first batch was taken before the lock was free; everything queued behind it is one more.
        #expect(service.committer.transactions - before <= 2)
        let stored = outcomes.values.filter { if case .success(.stored) = $0 { true } else { false } }.count
        let present = outcomes.values.filter { if case .success(.alreadyPresent) = $0 { true } else { false } }.count
        let refused = outcomes.values.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(stored == 9 && present == 1)
        #expect(refused.count == 1 && refused.first?.kind == .conflict)
        var files = try await service.catalog.files(of: "clash", in: [stable])
        for number in 0..<8 { files += try await service.catalog.files(of: "demo\(number)", in: [stable]) }
        #expect(files.count == 9)
        for file in files {
            let digest = try #require(BlobDigest(file.sha256))
            #expect(FileManager.default.fileExists(atPath: service.blobs.path(of: digest).path), "\(file.filename)'s blob is in place")
        }
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("store/tmp").path)
        #expect(temporaries.isEmpty, "the refused and duplicate uploads' temporary files are gone: \(temporaries)")
    }
}
