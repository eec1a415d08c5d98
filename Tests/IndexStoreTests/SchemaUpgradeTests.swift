import Foundation
import IndexAPI
import IndexStore
import Testing

/// A catalog written by the previous released schema (v6: the index `make run` filled, plus a
/// token and a yank) opens in this version, migrates, and keeps everything it held.
@Suite("Schema upgrades")
struct SchemaUpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/catalog-v6.sqlite")

    @Test("a v6 catalog migrates to the current schema: users, indices, files, yanks, provenance, tokens, build runs and their logs intact")
    func fromV6() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("catalog.sqlite").path
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)

        let catalog = try await Catalog(path: path)
        await #expect(try catalog.users() == ["opensource", "platform", "root"])
        let files = try await catalog.everyFile()
        #expect(files.count == 7 && files.allSatisfy { $0.provenance != nil && $0.buildLog != nil })
        #expect(files.first { $0.filename.hasPrefix("six-") }.map { $0.yanked && $0.yankReason == "broken on arm" } == true)
        let platform = try IndexID("platform/debian-12")
        await #expect(try catalog.settings(of: platform)?.bases.map(\.description) == ["opensource/debian-12", "opensource/pure"])
        // v7's column: the old token is listed, never used.
        await #expect(try catalog.tokens(of: "opensource") == [TokenSummary(id: "oldtoken1", user: "opensource", indices: ["opensource/pure"],
                                                                     created: 1_764_500_000, lastUsed: nil)])
        try await catalog.markTokenUsed("oldtoken1", at: 1_764_600_000)
        await #expect(try catalog.tokens(of: nil).first?.lastUsed == 1_764_600_000)
        await #expect(try catalog.buildRuns(limit: 10).count == 1)
        // v8 digested the run reported before it: its counts, items and coverage rows.
        let totals = try await #require(try catalog.runTotals(limit: 10).first)
        let items = try await catalog.runItems(of: [totals.run])
        #expect(totals.built > 0 && items.count == totals.built + totals.failed + totals.cancelled)
        await #expect(try catalog.coverage().contains { $0.project == "pyyaml" && $0.target == "debian-12" && $0.status == .built })
        // v11 moved the failed item's log out of the stored report into a row of its own.
        await #expect(try catalog.runLog(run: totals.run, item: "six-1.17.0-debian-12-py3.11") == "error: six's build failed\n")
        await #expect(try catalog.buildRun(totals.run).map { !$0.report.contains("six's build failed") } == true)
        // Opening it again (a restart) finds nothing left to migrate.
        await #expect(try Catalog(path: path).everyFile().count == 7)
    }
}
