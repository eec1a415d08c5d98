import Foundation
import IndexAPI
import IndexStore
import TestSupport
import Testing

/// What a store of its own (SQLite) removes when it opens: after a crash, every temporary file
/// and every blob no file names; after a clean stop, the temporary files only.
@Suite("Start-up recovery of a store of its own")
struct StartupRecoveryTests {
    @Test("a clean stop lets the next start skip the blob search; the start after that searches again")
    func cleanStop() async throws {
        let folder = try TemporaryFolder()
        let service = try await IndexService(directory: folder.url)
        let orphan = try SharedBlobTests.plant(service.blobs, try #require(BlobDigest(String(repeating: "e", count: 64))), age: 0)
        let temporary = folder.url.appendingPathComponent("tmp/cut-off-upload")
        try Data("partial".utf8).write(to: temporary)
        try service.recordCleanStop()
        _ = try await IndexService(directory: folder.url)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        #expect(exists(orphan) && !exists(temporary))
        #expect(!exists(folder.url.appendingPathComponent("clean-stop")), "the start consumed the record of the clean stop")
        // No record now, as after a crash: the unnamed blob goes.
        _ = try await IndexService(directory: folder.url)
        #expect(!exists(orphan))
    }
}
