import Foundation
import IndexAPI
import IndexStore
import TestSupport
import Testing

/// The catalog's rules, run on both engines: SQLite in memory and a PostgreSQL database of a
/// throwaway cluster. The same statements serve both, so every rule holds on each or fails here.
@Suite("Catalog on SQLite and PostgreSQL", .sharedPostgres, .timeLimit(.minutes(5)))
struct CatalogTests {
    static let dev = try! IndexID(user: "alice", index: "dev")
    static let stable = try! IndexID(user: "alice", index: "stable")

    static func file(_ filename: String, in index: IndexID = dev, sha: Character = "a", size: Int64 = 10,
                     log: BlobReference? = nil) -> StoredFile {
        let parts = filename.split(separator: "-")
        return StoredFile(index: index, filename: filename, project: String(parts[0]), version: parts[1].replacingOccurrences(of: ".tar.gz", with: ""),
                          kind: filename.hasSuffix(".whl") ? .wheel : .sdist, sha256: String(repeating: sha, count: 64), size: size,
                          uploadTime: 1_700_000_000, uploader: "alice", requiresPython: ">=3.9", metadataSHA256: nil, provenance: nil, buildLog: log)
    }

    /// alice with a volatile `dev` and a non-volatile `stable` that has `dev` as its base.
    static func seeded(_ engine: CatalogEngine) async throws -> Catalog {
        let catalog = try await engine.makeCatalog()
        try await catalog.createUser("alice", passwordHash: "hash-a", email: "alice@example.com")
        try await catalog.createIndex(dev, settings: IndexSettings(volatile: true, aclUpload: ["alice"]))
        try await catalog.createIndex(stable, settings: IndexSettings(bases: [dev], volatile: false))
        return catalog
    }

    @Test("users: create, duplicate refused, update, builder mark, email, delete with volatile indices", arguments: CatalogEngine.allCases)
    func users(engine: CatalogEngine) async throws {
        let catalog = try await engine.makeCatalog()
        try await catalog.createUser("bob", passwordHash: "h1", builder: true)
        #expect(try await catalog.userExists("bob"))
        #expect(try await !catalog.userExists("carol"))
        await #expect(throws: StoreError.conflict("user bob already exists")) { try await catalog.createUser("bob", passwordHash: "h2") }
        #expect(try await catalog.isBuilder("bob"))
        #expect(try await catalog.passwordHash(of: "bob") == "h1")
        try await catalog.updateUser("bob", passwordHash: "h3", builder: false, email: "b@example.com")
        #expect(try await !catalog.isBuilder("bob"))
        #expect(try await catalog.passwordHash(of: "bob") == "h3")
        #expect(try await catalog.email(of: "bob") == "b@example.com")
        await #expect(throws: StoreError.self) { try await catalog.updateUser("carol", passwordHash: "x", builder: nil) }
        try await catalog.createUser("carol", passwordHash: "h")
        await #expect(try catalog.users() == ["bob", "carol"])
        let scratch = try IndexID(user: "bob", index: "scratch")
        try await catalog.createIndex(scratch, settings: IndexSettings(volatile: true))
        _ = try await catalog.addFile(Self.file("demo-1.0.tar.gz", in: scratch))
        try await catalog.createToken(id: "t1", user: "bob", secretHash: "s", indices: nil)
        try await catalog.deleteUser("bob")
        #expect(try await !catalog.userExists("bob"))
        #expect(try await catalog.settings(of: scratch) == nil)
        #expect(try await catalog.token("t1") == nil)
        #expect(try await catalog.everyFile().isEmpty)
    }

    @Test("tokens: scope, owner, list, last use, revoke", arguments: CatalogEngine.allCases)
    func tokens(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        try await catalog.createToken(id: "t1", user: "alice", secretHash: "s1", indices: [Self.dev])
        try await catalog.createToken(id: "t2", user: "alice", secretHash: "s2", indices: nil)
        let token = try await #require(try catalog.token("t1"))
        #expect(token.user == "alice" && token.secretHash == "s1" && token.indices == [Self.dev])
        try await catalog.markTokenUsed("t2", at: 1234.5)
        let listed = try await catalog.tokens(of: "alice")
        #expect(listed.map(\.id) == ["t1", "t2"] && listed[1].lastUsed == 1234.5 && listed[0].indices == ["alice/dev"])
        #expect(try await catalog.tokens(of: nil).count == 2)
        #expect(try await catalog.tokens(of: "nobody").isEmpty)
        try await catalog.revokeToken("t1")
        #expect(try await catalog.token("t1") == nil)
        #expect(try await catalog.tokenOwner("t1") == "alice")
        #expect(try await catalog.tokens(of: nil).map(\.id) == ["t2"])
    }

    @Test("indices: bases resolve depth first, cycles and missing bases refused, non-volatile stays so, a base cannot go", arguments: CatalogEngine.allCases)
    func indices(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        await #expect(throws: StoreError.conflict("index alice/dev already exists")) { try await catalog.createIndex(Self.dev, settings: IndexSettings()) }
        await #expect(try catalog.resolutionOrder(of: Self.stable) == [Self.stable, Self.dev])
        await #expect(throws: StoreError.self) { _ = try await catalog.updateIndex(Self.dev) { $0.bases = [Self.stable] } }
        await #expect(throws: StoreError.self) { _ = try await catalog.updateIndex(Self.dev) { $0.bases = [try! IndexID(user: "alice", index: "nope")] } }
        _ = try await catalog.addFile(Self.file("demo-1.0-py3-none-any.whl", in: Self.stable))
        await #expect(throws: StoreError.self) { _ = try await catalog.updateIndex(Self.stable) { $0.volatile = true } }
        await #expect(throws: StoreError.conflict("alice/dev is a base of alice/stable: change their bases first")) { try await catalog.deleteIndex(Self.dev) }
        await #expect(throws: StoreError.self) { try await catalog.deleteIndex(Self.stable) }
        let settings = try await catalog.updateIndex(Self.dev) { $0.aclUpload = ["alice", "bob"] }
        #expect(settings.aclUpload == ["alice", "bob"])
        #expect(try await catalog.settings(of: Self.dev)?.aclUpload == ["alice", "bob"])
        await #expect(try catalog.indices().map(\.path) == [Self.dev, Self.stable])
    }

    @Test("a project's files through the bases: the index's own first, then each base's, in one read; a filename the index holds hides the base's", arguments: CatalogEngine.allCases)
    func filesThroughBases(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        for file in [Self.file("demo-0.9.tar.gz"), Self.file("demo-1.0.tar.gz", sha: "d"), Self.file("demo-2.0.tar.gz", in: Self.stable),
                     Self.file("demo-1.0.tar.gz", in: Self.stable, sha: "e"), Self.file("other-1.0.tar.gz", in: Self.stable)] {
            _ = try await catalog.addFile(file)
        }
        let served = try await catalog.files(of: "demo", in: [Self.stable, Self.dev])
        #expect(served.map { "\($0.index.index):\($0.filename)" } == ["stable:demo-1.0.tar.gz", "stable:demo-2.0.tar.gz", "dev:demo-0.9.tar.gz"])
        #expect(served.first?.sha256 == String(repeating: "e", count: 64))
        let (standing, own) = try await catalog.servedProject("demo", order: [Self.stable, Self.dev], ownFilesOnly: true, historyLimit: 0)
        #expect(standing == .active && own.map(\.filename) == ["demo-1.0.tar.gz", "demo-2.0.tar.gz"])
        await #expect(try catalog.files(of: "demo", in: []).isEmpty)
    }

    @Test("each write's generation step says what it touched: an index's contents, or everything (users, indices, runs)", arguments: CatalogEngine.allCases)
    func changeScopes(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        let other = try IndexID("alice/other")
        try await catalog.createIndex(other, settings: IndexSettings(volatile: true))
        func touched(_ write: () async throws -> Void) async throws -> (own: Bool, based: Bool, other: Bool, structure: Bool) {
            let before = try await catalog.generation()
            try await write()
            let after = try await catalog.generation()
            #expect(after > before)
            let changes = catalog.changes
            return (!changes.isCurrent(.indices([Self.dev]), madeAt: before, now: after),
                    !changes.isCurrent(.indices([Self.stable, Self.dev]), madeAt: before, now: after),
                    !changes.isCurrent(.indices([other]), madeAt: before, now: after),
                    !changes.isCurrent(.indices([]), madeAt: before, now: after))
        }
        let upload = try await touched { _ = try await catalog.addFile(Self.file("demo-1.0.tar.gz")) }
        #expect(upload.own && upload.based && !upload.other && !upload.structure)
        let yank = try await touched { _ = try await catalog.setYanked(Self.dev, "demo-1.0.tar.gz", yanked: true, reason: nil) }
        #expect(yank.own && yank.based && !yank.other && !yank.structure)
        let status = try await touched {
            try await catalog.recordProjectStatus(ProjectStatusChange(index: Self.stable, project: "demo", status: .quarantined, reason: "r", user: "alice", time: 1))
        }
        #expect(!status.own && status.based && !status.other && !status.structure)
        let removal = try await touched { _ = try await catalog.deleteFiles(Self.dev, project: "demo", version: nil) }
        #expect(removal.own && !removal.other)
        let settings = try await touched { _ = try await catalog.updateIndex(other) { $0.aclUpload = ["bob"] } }
        #expect(settings.own && settings.other && settings.structure)
        let user = try await touched { try await catalog.createUser("bob", passwordHash: "h") }
        #expect(user.own && user.other && user.structure)
    }

    @Test("files: same bytes again changes nothing, other bytes conflict on non-volatile and replace on volatile, under any spelling", arguments: CatalogEngine.allCases)
    func files(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        let log = BlobReference(digest: BlobDigest(String(repeating: "c", count: 64))!, size: 77)
        let first = Self.file("demo-1.0-py3-none-any.whl", in: Self.stable, log: log)
        await #expect(try catalog.addFile(first, metadata: Array("Metadata-Version: 2.1\n".utf8)) == .stored(first))
        await #expect(try catalog.addFile(first) == .alreadyPresent(first))
        await #expect(throws: StoreError.self) { _ = try await catalog.addFile(Self.file("Demo-1.0-py3-none-any.whl", in: Self.stable, sha: "b")) }
        await #expect(try catalog.file(Self.stable, "demo-1.0-py3-none-any.whl") == first)
        await #expect(try catalog.file(sameAs: "Demo-1.0-py3-none-any.whl", in: Self.stable) == first)
        await #expect(try catalog.coreMetadata(Self.stable, first.filename) == Array("Metadata-Version: 2.1\n".utf8))
        _ = try await catalog.addFile(Self.file("demo-1.0.tar.gz"))
        await #expect(try catalog.addFile(Self.file("demo-1.0.tar.gz", sha: "d")) == .stored(Self.file("demo-1.0.tar.gz", sha: "d")))
        await #expect(try catalog.files(in: Self.dev).map(\.sha256) == [String(repeating: "d", count: 64)])
        await #expect(try catalog.files(of: "demo", in: [Self.stable, Self.dev]).map(\.filename) == ["demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz"])
        await #expect(try catalog.projects(in: [Self.stable, Self.dev]) == ["demo"])
        let referenced = try await catalog.referencedBlobs()
        #expect(["a", "c", "d"].allSatisfy { referenced.contains(hex: String(repeating: $0, count: 64)) } && referenced.count == 3)
        #expect(!referenced.contains(hex: String(repeating: "b", count: 64)) && !referenced.contains(hex: "a"))
        await #expect(try Set(catalog.blobReferences().map(\.size)) == [10, 77])
        // Yanks keep the file; deletion only on the volatile index.
        let yanked = try await catalog.setYanked(Self.stable, first.filename, yanked: true, reason: "broken")
        #expect(yanked.yanked)
        #expect(yanked.yankReason == "broken")
        #expect(try await catalog.file(Self.stable, first.filename)?.yanked == true)
        await #expect(throws: StoreError.self) { _ = try await catalog.deleteFiles(Self.stable, project: "demo", version: nil) }
        await #expect(try catalog.deleteFiles(Self.dev, project: "demo", version: "1.0") == 1)
        await #expect(throws: StoreError.self) { _ = try await catalog.deleteFiles(Self.dev, project: "demo", version: "1.0") }
        await #expect(try catalog.everyFile().map(\.filename) == ["demo-1.0-py3-none-any.whl"])
    }

    @Test("listing: project pages with counts and versions, filter with LIKE's characters taken literally, search, statistics", arguments: CatalogEngine.allCases)
    func listing(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        for (project, versions) in [("alpha", ["1.0", "2.0"]), ("beta_x", ["1.0"]), ("betaxy", ["3.0"]), ("gamma", ["0.1"])] {
            for version in versions { _ = try await catalog.addFile(Self.file("\(project)-\(version).tar.gz")) }
        }
        let all = try await catalog.projectSummaries(in: [Self.dev], containing: "", limit: 2, offset: 1)
        #expect(all.total == 4 && all.page.map(\.name) == ["beta_x", "betaxy"])
        let alpha = try await catalog.projectSummaries(in: [Self.dev], containing: "alp", limit: 10, offset: 0)
        #expect(alpha.total == 1 && alpha.page.first?.files == 2 && Set(alpha.page.first?.versions ?? []) == ["1.0", "2.0"])
        await #expect(try catalog.projectSummaries(in: [Self.dev], containing: "a_", limit: 10, offset: 0).page.map(\.name) == ["beta_x"])
        await #expect(try catalog.search(SearchQuery("gamma"), in: nil, limit: 10).hits.map(\.project) == ["gamma"], "found by its name without metadata")
        await #expect(try catalog.search(SearchQuery("%"), in: nil, limit: 10).hits.isEmpty)
        let statistics = try await #require(try catalog.indexStatistics()[Self.dev])
        #expect(statistics.projects == 4 && statistics.files == 5 && statistics.lastUpload == 1_700_000_000)
    }

    static func metadata(_ name: String, _ version: String, summary: String, keywords: String = "", description: String) -> [UInt8] {
        Array("Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\nSummary: \(summary)\nKeywords: \(keywords)\n\n\(description)\n".utf8)
    }

    @Test("full-text search: the exact name first, then summaries, keywords and descriptions (stemmed, prefixes), marked; the newest release's texts, again after a deletion; only the indices asked; any text is only words", arguments: CatalogEngine.allCases)
    func search(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        _ = try await catalog.addFile(Self.file("pyyaml-5.0.tar.gz"), metadata: Self.metadata("PyYAML", "5.0", summary: "Old zebra words", description: "Nothing."))
        _ = try await catalog.addFile(Self.file("pyyaml-6.0.tar.gz"), metadata: Self.metadata("PyYAML", "6.0", summary: "YAML parser and emitter for Python",
                                                                                         keywords: "yaml, serialization", description: "PyYAML is a YAML parser.\n<script>alert(1)</script> parsing documents"))
        _ = try await catalog.addFile(Self.file("parser-1.0.tar.gz"), metadata: Self.metadata("parser", "1.0", summary: "Something else", description: "Unrelated."))
        _ = try await catalog.addFile(Self.file("toolkit-2.0.tar.gz", in: Self.stable), metadata: Self.metadata("toolkit", "2.0", summary: "Helpers",
                                                                                                         description: "Has a fast parser for configuration files."))
        let parser = try await catalog.search(SearchQuery("parser"), in: nil, limit: 10).hits
        #expect(parser.map(\.project) == ["parser", "pyyaml", "toolkit"], "\(parser)")
        let yaml = try #require(parser.first { $0.project == "pyyaml" })
        #expect(yaml.version == "6.0" && yaml.index == Self.dev && yaml.summary.contains("\u{1}parser\u{2}"), "\(yaml)")
        let parsing = try await catalog.search(SearchQuery("parsing"), in: nil, limit: 10).hits.map(\.project); #expect(parsing.contains("pyyaml"), "\(parsing)")
        let serial = try await catalog.search(SearchQuery("serial"), in: nil, limit: 10).hits.map(\.project); #expect(serial == ["pyyaml"], "keywords, by prefix: \(serial)")
        await #expect(try catalog.search(SearchQuery("YAML emitter"), in: nil, limit: 10).hits.map(\.project) == ["pyyaml"], "every word")
        await #expect(try catalog.search(SearchQuery("zebra"), in: nil, limit: 10).hits.isEmpty, "only the newest release's texts")
        await #expect(try catalog.search(SearchQuery("parser"), in: [Self.stable], limit: 10).hits.map(\.project) == ["toolkit"])
        // A name's words are found whatever the stemmer makes of them ("seeded" is "seed" in English).
        _ = try await catalog.addFile(StoredFile(index: Self.dev, filename: "seeded_project_4242-1.0.tar.gz", project: "seeded-project-4242", version: "1.0",
                                           kind: .sdist, sha256: String(repeating: "e", count: 64), size: 1, uploadTime: 1_700_000_000, uploader: "alice",
                                           requiresPython: nil, metadataSHA256: nil, provenance: nil))
        await #expect(try catalog.search(SearchQuery("seeded-project-4242"), in: nil, limit: 10).hits.map(\.project) == ["seeded-project-4242"])
        await #expect(try catalog.search(SearchQuery("seeded project"), in: nil, limit: 10).hits.map(\.project) == ["seeded-project-4242"])
        await #expect(try catalog.search(SearchQuery("parser"), in: [], limit: 10).hits.isEmpty)
        // Deleting the newest release brings back the one before; deleting the project, nothing.
        _ = try await catalog.deleteFiles(Self.dev, project: "pyyaml", version: "6.0")
        await #expect(try catalog.search(SearchQuery("zebra"), in: nil, limit: 10).hits.map(\.version) == ["5.0"])
        _ = try await catalog.deleteFiles(Self.dev, project: "pyyaml", version: nil)
        await #expect(try catalog.search(SearchQuery("yaml"), in: nil, limit: 10).hits.isEmpty)
        // Query syntax in the text is only words.
        // U+0D4E joins with the character after it: the words are read scalar by scalar.
        #expect(SearchQuery("\u{0D4E}\"").terms == ["\u{0D4E}"] && SearchQuery("\u{0D4E}|x").terms == ["\u{0D4E}", "x"])
        for hostile in [#"" OR 1=1 -- NEAR(a b) * ^x:y"#, "'; DROP TABLE file; --", "\u{1}mark\u{2}", String(repeating: "(", count: 10_000), "a & b | !c <-> d:*",
                        "\u{0D4E}\"", "\u{0D4E}|x", "\u{0D4E}(", "\u{0D4E}:*", "\u{0D4E}'"] {
            _ = try await catalog.search(SearchQuery(hostile), in: nil, limit: 10).hits
        }
        #expect(SearchQuery("a & b | !c <-> d:*").terms == ["a", "b", "c", "d"] && SearchQuery(String(repeating: "x ", count: 50)).terms.count == 8)
        // The marks: words beginning with a searched word; a snippet around the first.
        let text = (1...60).map { "w\($0)" }.joined(separator: " ") + " Parsers, parse-tree!"
        #expect(SearchMarks.snippet(text, terms: ["pars"]).hasSuffix("w60 \u{1}Parsers\u{2}, \u{1}parse\u{2}-tree"), "\(SearchMarks.snippet(text, terms: ["pars"]))")
        #expect(SearchMarks.snippet(text, terms: ["pars"]).hasPrefix("… w53 "))
        #expect(SearchMarks.snippet("one two", terms: ["zzz"]) == "one two" && SearchMarks.snippet("", terms: ["a"]).isEmpty)
        #expect(SearchMarks.marked("Ünïcode ünits", terms: ["ün"]) == "\u{1}Ünïcode\u{2} \u{1}ünits\u{2}")
    }

    @Test("a word in more projects than are ranked all together: those with it in name, summary or keywords first by relevance, then the rest newest first; only the indices asked", arguments: CatalogEngine.allCases)
    func broadSearch(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        // More than SQLite ranks all together; PostgreSQL never ranks descriptions.
        let count = (engine == .sqlite ? Catalog.fullyRanked(.sqlite) : 0) + 20
        let files = (0..<count).map { number in
            let summary = number == 7 ? "common tool" : number == 9 ? "a common common thing" : "something"
            let file = StoredFile(index: number.isMultiple(of: 2) ? Self.dev : Self.stable, filename: "p\(number)-1.0.tar.gz", project: "p\(number)",
                                  version: "1.0", kind: .sdist, sha256: String(format: "%064x", number), size: 1, uploadTime: 1_700_000_000,
                                  uploader: "alice", requiresPython: nil, metadataSHA256: nil, provenance: nil)
            return Catalog.NewFile(file, metadata: Self.metadata("p\(number)", "1.0", summary: summary, description: "Words and a common word."))
        }
        _ = try await catalog.addFiles(files)
        let found = try await catalog.search(SearchQuery("common"), in: nil, limit: 10)
        #expect(!found.broad && Set(found.hits.prefix(2).map(\.project)) == ["p7", "p9"], "\(found.hits.map(\.project))")
        #expect(found.hits.dropFirst(2).map(\.project) == (count - 8..<count).reversed().map { "p\($0)" }, "newest first: \(found.hits.map(\.project))")
        let stable = try await catalog.search(SearchQuery("common"), in: [Self.stable], limit: 4).hits.map(\.project)
        #expect(Set(stable.prefix(2)) == ["p7", "p9"] && stable.allSatisfy { Int($0.dropFirst())! % 2 == 1 }, "\(stable)")
    }

    @Test("build runs: numbered in order, counts, items, coverage kept per (project, target) by the latest run", arguments: CatalogEngine.allCases)
    func runs(engine: CatalogEngine) async throws {
        let catalog = try await engine.makeCatalog()
        func item(_ project: String) -> BuildItem {
            BuildItem(project: project, version: "1.0", target: "debian-12", python: "3.11", buildTag: nil, systemPackages: [], environment: [:])
        }
        func report(_ status: ItemResult.Status, tool: Bool = false) -> PostedRunReport {
            PostedRunReport(report: RunReport(runID: "r", startedAt: Date(timeIntervalSince1970: 0), seconds: 3,
                                              results: [ItemResult(item: item("a"), status: status, reason: nil, wheel: nil, index: nil, seconds: 1, log: nil,
                                                                   buildTool: tool)],
                                              skipped: [SkippedItem(item: item("b"), reason: "denied")]), logs: [:])
        }
        let first = try await catalog.addBuildRun(reporter: "builder", report: "{}", digest: RunDigest(report(.failed, tool: true)), logs: ["a-1.0-debian-12": "gcc: error"])
        let second = try await catalog.addBuildRun(reporter: "builder", report: "{}", digest: RunDigest(report(.built)), logs: [:])
        #expect(second == first + 1)
        #expect(try await catalog.runLog(run: first, item: "a-1.0-debian-12") == "gcc: error")
        #expect(try await catalog.runLog(run: second, item: "a-1.0-debian-12") == nil)
        #expect(try await catalog.runTotals(limit: 10).map(\.built) == [1, 0])
        #expect(try await catalog.runTotals(limit: 10, only: first).map(\.failed) == [1])
        await #expect(try catalog.runItems(of: [second, first]).map(\.status) == ["built", "failed"])
        // A build tool stays one on the coverage page once a run built it as one.
        await #expect(try catalog.runItems(of: [second, first]).map(\.tool) == [false, true])
        await #expect(try catalog.coverage().first { $0.project == "a" }?.tool == true)
        await #expect(try catalog.runItems(of: [first], statuses: ["failed"]).map(\.project) == ["a"])
        let coverage = try await catalog.coverage()
        #expect(coverage.map(\.project) == ["a", "b"] && coverage[0].status == .built && coverage[0].run == second && coverage[1].status == .denied)
        #expect(try await catalog.buildRuns(limit: 1).map(\.id) == [second])
        #expect(try await catalog.buildRun(first)?.reporter == "builder")
        // A NUL in a build's output (PostgreSQL's TEXT cannot hold one) is kept as U+FFFD.
        let third = try await catalog.addBuildRun(reporter: "builder", report: "{}", digest: RunDigest(report(.failed)), logs: ["a-1.0-debian-12": "x\u{0}y"])
        await #expect(try catalog.runLog(run: third, item: "a-1.0-debian-12") == "x\u{FFFD}y")
    }

    @Test("leases: one holder per share, all overlaps shards, renewal, expiry, release", arguments: CatalogEngine.allCases)
    func leases(engine: CatalogEngine) async throws {
        let catalog = try await engine.makeCatalog()
        let now = 1_000_000.0
        await #expect(try catalog.acquireLease("shard-1-of-2", owner: "a", user: "root", seconds: 120, now: now).granted)
        await #expect(try !catalog.acquireLease("all", owner: "b", user: "root", seconds: 120, now: now).granted)
        await #expect(try catalog.acquireLease("shard-2-of-2", owner: "b", user: "root", seconds: 120, now: now).granted)
        await #expect(try catalog.acquireLease("shard-1-of-2", owner: "a", user: "root", seconds: 120, now: now + 60).lease.expires == now + 180)
        await #expect(try catalog.acquireLease("all", owner: "c", user: "root", seconds: 120, now: now + 181).granted)
        #expect(try await !catalog.releaseLease("all", owner: "a"))
        #expect(try await catalog.releaseLease("all", owner: "c"))
    }

    @Test("every write moves the generation; a copy holds every row and moves on from there", arguments: CatalogEngine.allCases)
    func generationAndCopy(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        let before = try await catalog.generation()
        _ = try await catalog.addFile(Self.file("demo-1.0.tar.gz"))
        await #expect(try catalog.generation() == before + 1)
        let run = try await catalog.addBuildRun(reporter: "root", report: "{}", digest: RunDigest(PostedRunReport(report: RunReport(
            runID: nil, startedAt: Date(), seconds: 1, results: [], skipped: []), logs: [:])), logs: ["x": "the log"])
        try await catalog.createToken(id: "t", user: "alice", secretHash: "s", indices: nil)
        let copy = try await (engine == .sqlite ? CatalogEngine.postgresql : .sqlite).makeCatalog()
        try await catalog.copy(into: copy)
        #expect(try await copy.everyFile() == catalog.everyFile())
        #expect(try await copy.indices().map(\.path) == [Self.dev, Self.stable])
        #expect(try await copy.token("t")?.user == "alice")
        #expect(try await copy.email(of: "alice") == "alice@example.com")
        await #expect(try copy.runLog(run: run, item: "x") == "the log")
        await #expect(try copy.addBuildRun(reporter: "root", report: "{}", digest: RunDigest(PostedRunReport(report: RunReport(
            runID: nil, startedAt: Date(), seconds: 1, results: [], skipped: []), logs: [:])), logs: [:]) == 2)
        await #expect(throws: StoreError.self) { try await catalog.copy(into: copy) }
    }

    @Test("project status (PEP 792): every change kept; a base's stricter status holds; uploads refused while archived or quarantined; copied; gone with its index", arguments: CatalogEngine.allCases)
    func projectStatus(engine: CatalogEngine) async throws {
        let catalog = try await Self.seeded(engine)
        _ = try await catalog.addFile(Self.file("demo-1.0.tar.gz"))
        await #expect(try catalog.standing(of: "demo", in: Self.stable) == .active)
        func change(_ status: ProjectStatus, in index: IndexID, at time: Double) async throws {
            try await catalog.recordProjectStatus(ProjectStatusChange(index: index, project: "demo", status: status, reason: "r\(Int(time))", user: "root", time: time))
        }
        let before = try await catalog.generation()
        try await change(.quarantined, in: Self.dev, at: 1)
        await #expect(try catalog.generation() == before + 1)
        try await change(.deprecated, in: Self.stable, at: 2)
        // stable serves dev's quarantine: its own deprecation is milder.
        let served = try await catalog.standing(of: "demo", in: Self.stable, historyLimit: 50)
        #expect(served.status == .quarantined && served.setting?.index == Self.dev && served.setting?.reason == "r1" && served.history.count == 2)
        await #expect(try catalog.standing(of: "demo", in: Self.dev, historyLimit: 50).history.map(\.status) == [.quarantined])
        let refused = try await catalog.addFiles([.init(Self.file("demo-2.0.tar.gz", in: Self.stable))])
        #expect(throws: StoreError.self) { try refused[0].get() }
        try await change(.archived, in: Self.dev, at: 3)
        await #expect(try catalog.standing(of: "demo", in: Self.stable).status == .archived)
        await #expect(throws: StoreError.self) { try await catalog.addFile(Self.file("demo-2.0.tar.gz")) }
        // The same bytes again are no change, whatever the status.
        await #expect(try catalog.addFile(Self.file("demo-1.0.tar.gz")) == .alreadyPresent(Self.file("demo-1.0.tar.gz")))
        try await change(.active, in: Self.dev, at: 4)
        await #expect(try catalog.standing(of: "demo", in: Self.stable).status == .deprecated)
        await #expect(try catalog.addFile(Self.file("demo-2.0.tar.gz", in: Self.stable)) == .stored(Self.file("demo-2.0.tar.gz", in: Self.stable)))
        #expect(try await catalog.indices(holding: "demo") == [Self.dev, Self.stable])
        #expect(try await catalog.indices(holding: "other").isEmpty)
        await #expect(throws: StoreError.notFound("index alice/none does not exist")) { try await change(.archived, in: try await IndexID("alice/none"), at: 5) }

        let copy = try await (engine == .sqlite ? CatalogEngine.postgresql : .sqlite).makeCatalog()
        try await catalog.copy(into: copy)
        await #expect(try copy.standing(of: "demo", in: Self.stable, historyLimit: 50) == catalog.standing(of: "demo", in: Self.stable, historyLimit: 50))
        try await copy.recordProjectStatus(ProjectStatusChange(index: Self.dev, project: "demo", status: .archived, reason: "after the copy", user: "root", time: 6))
        #expect(try await copy.standing(of: "demo", in: Self.dev, historyLimit: 50).history.count == 4)
        #expect(try await copy.standing(of: "demo", in: Self.dev, historyLimit: 2).history.map(\.reason) == ["r4", "after the copy"])
        // Another index's flood of changes is not read for this one's standing.
        let other = try IndexID("alice/other")
        try await catalog.createIndex(other, settings: IndexSettings(volatile: true))
        for time in 100..<400 { try await change(time % 2 == 0 ? .quarantined : .archived, in: other, at: Double(time)) }
        let unmoved = try await catalog.standing(of: "demo", in: Self.stable, historyLimit: 50)
        #expect(unmoved.status == .deprecated && unmoved.history.count == 4 && !unmoved.history.contains { $0.index == other })
        await #expect(try catalog.standing(of: "demo", in: other, historyLimit: 50).history.count == 50)
        let scratch = try IndexID("alice/scratch")
        try await catalog.createIndex(scratch, settings: IndexSettings(volatile: true))
        try await change(.quarantined, in: scratch, at: 7)
        try await catalog.deleteIndex(scratch)
        await #expect(try catalog.indices(holding: "demo") == [Self.dev, other, Self.stable])
    }
}

/// What only a shared catalog has: several processes (here, several connections as replicas
/// open them) on one PostgreSQL database.
/// SQLite's connections are not reentrant: a transaction started inside another would wait
/// forever for the connection its caller holds.
@Suite("SQLite transactions")
struct SQLiteTransactionTests {
    @Test("a read or write inside another transaction is refused at once, and the catalog goes on")
    func nesting() async throws {
        let folder = try TemporaryFolder()
        for database in [try SQLiteCatalogDatabase(path: nil), try SQLiteCatalogDatabase(path: folder.path("catalog.sqlite"))] {
            let catalog = try await Catalog(database: database)
            await #expect(throws: StoreError.self) { try await database.write { _ in try await database.read { _ in 1 } } }
            await #expect(throws: StoreError.self) { try await database.read { _ in try await database.write { _ in 1 } } }
            try await catalog.createUser("alice", passwordHash: "h")
            #expect(try await catalog.users() == ["alice"])
        }
    }

    @Test("a commit is synced before it returns (synchronous FULL: WAL's default NORMAL may lose the last commits to a power loss)")
    func durableCommits() async throws {
        let folder = try TemporaryFolder()
        let database = try SQLiteCatalogDatabase(path: folder.path("catalog.sqlite"))
        let level = try await database.write { try await $0.rows("PRAGMA synchronous", []) }.first
        #expect(try level?["synchronous"] as Int64? == 2)
    }
}

@Suite("PostgreSQL catalog shared by replicas", .sharedPostgres, .timeLimit(.minutes(5)))
struct SharedCatalogTests {
    @Test("a write through one replica moves the other's generation by notification")
    func notification() async throws {
        let a = try await CatalogEngine.postgresql.makeCatalog()
        let b = try await CatalogEngine.replica(of: a)
        let start = try await b.generation()
        try await a.createUser("alice", passwordHash: "h")
        let target = try await a.generation()
        #expect(target > start)
        // Wait for the notification (no time is asserted: the loop ends when it arrives).
        var seen = try await b.generation()
        for _ in 0..<500 where seen < target {
            try await Task.sleep(for: .milliseconds(10))
            seen = try await b.generation()
        }
        #expect(seen == target)
        // The notification says what the write touched: a page of another index stays current.
        let dev = try IndexID("alice/dev")
        try await a.createIndex(dev, settings: IndexSettings(volatile: true))
        try await a.createIndex(try IndexID("alice/other"), settings: IndexSettings(volatile: true))
        let created = try await a.generation()
        _ = try await a.addFile(CatalogTests.file("demo-1.0.tar.gz", in: dev))
        let uploaded = try await a.generation()
        for _ in 0..<500 where try await b.generation() < uploaded { try await Task.sleep(for: .milliseconds(10)) }
        #expect(b.changes.isCurrent(.indices([try IndexID("alice/other")]), madeAt: created, now: uploaded))
        #expect(!b.changes.isCurrent(.indices([dev]), madeAt: created, now: uploaded))
        #expect(!b.changes.isCurrent(.indices([try IndexID("alice/other")]), madeAt: start, now: uploaded))
    }

    @Test("racing replicas: one upload of a name wins on a non-volatile index, one lease holder per share")
    func races() async throws {
        let first = try await CatalogEngine.postgresql.makeCatalog()
        try await first.createUser("alice", passwordHash: "h")
        let stable = CatalogTests.stable
        try await first.createIndex(stable, settings: IndexSettings(volatile: false))
        var replicas = [first]
        for _ in 0..<3 { replicas.append(try await CatalogEngine.replica(of: first)) }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for (number, replica) in replicas.enumerated() {
                group.addTask {
                    // Four spellings of one distribution: no key of the table can tell they clash.
                    let name = ["demo", "Demo", "DEMO", "dEmo"][number]
                    let sha = Character(String(number + 1))
                    return await (try? replica.addFile(CatalogTests.file("\(name)-1.0.tar.gz", in: stable, sha: sha))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        await #expect(try first.files(in: stable).count == 1)
        let leases = await withTaskGroup(of: Bool.self) { group in
            for (number, replica) in replicas.enumerated() {
                group.addTask { await (try? replica.acquireLease("all", owner: "run \(number)", user: "root", seconds: 60).granted) == true }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(leases.filter { $0 }.count == 1)
    }

    @Test("statements run prepared from their second run: a plan the schema changed, a table made after failed look-ups, NULL then a value, failures in a transaction; each answers as an unnamed statement would")
    func preparedStatements() async throws {
        let catalog = try await CatalogEngine.postgresql.makeCatalog()
        // One connection: each statement below meets what the one before prepared on it.
        let database = try await PostgresCatalogDatabase(address: try PostgresAddress(catalog.database.location), password: nil, connections: 1)
        func read(_ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> [SQLRow] {
            try await database.read { try await $0.rows(sql, arguments) }
        }
        try await database.write { try await $0.execute("CREATE TABLE probe (a BIGINT)", []) }
        try await database.write { try await $0.execute("INSERT INTO probe VALUES (?)", [7]) }
        for _ in 0..<2 {
            let before = try #require(try await read("SELECT * FROM probe").first)
            #expect(try before["a"] as Int64 == 7)
            #expect(throws: StoreError.self) { try before["b"] as String }
        }
        let prepared: [String] = try await read("SELECT statement FROM pg_prepared_statements").map { try $0["statement"] }
        #expect(prepared.contains("SELECT * FROM probe"), "\(prepared)")
        // The prepared plan's result type no longer holds (PostgreSQL refuses to run it): the
        // read runs unnamed at once, and goes on so.
        try await database.write { try await $0.execute("ALTER TABLE probe ADD COLUMN b TEXT DEFAULT 'x'", []) }
        for _ in 0..<2 {
            let after = try #require(try await read("SELECT * FROM probe").first)
            #expect(try after["a"] as Int64 == 7 && after["b"] as String == "x")
        }
        // A table missing when its look-up was prepared (the second run) is read once it exists.
        for _ in 0..<2 { await #expect(throws: StoreError.self) { try await read("SELECT a FROM later") } }
        try await database.write { try await $0.execute("CREATE TABLE later (a BIGINT)", []) }
        #expect(try await read("SELECT a FROM later").isEmpty)
        // One text with a NULL, then with a number: each is prepared with its own types.
        let null: Int64? = nil
        for _ in 0..<2 {
            let first = try await read("SELECT COALESCE(?, 5) AS n", [null])
            let second = try await read("SELECT COALESCE(?, 5) AS n", [Int64(9)])
            #expect(try first.first?["n"] as Int64? == 5 && second.first?["n"] as Int64? == 9)
        }
        // In a transaction the failure stands (the transaction is over); the next run is unnamed.
        for _ in 0..<2 {
            await #expect(throws: StoreError.self) {
                try await database.write { session in _ = try await session.rows("SELECT a FROM missing_yet", []) }
            }
        }
        try await database.write { try await $0.execute("CREATE TABLE missing_yet (a BIGINT)", []) }
        let rows = try await database.write { try await $0.rows("SELECT a FROM missing_yet", []) }
        #expect(rows.isEmpty)
        // Rows changed are counted (an unnamed statement's command tag).
        let changed = try await database.write { try await $0.changes("UPDATE probe SET b = ? WHERE a = ?", ["y", 7]) }
        #expect(changed == 1)
    }
}

@Suite("Catalog addresses")
struct PostgresAddressTests {
    @Test("postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=…]; a password, a missing part or an unknown option is refused, saying what to write")
    func addresses() throws {
        let plain = try PostgresAddress("postgresql://wheelwright@db.example.internal/index")
        #expect(plain.user == "wheelwright" && plain.host == "db.example.internal" && plain.port == 5432 && plain.database == "index" && !plain.requireTLS)
        let tls = try PostgresAddress("postgres://ww@10.0.0.5:6432/ww?sslmode=require")
        #expect(tls.port == 6432 && tls.requireTLS && tls.description == "postgresql://ww@10.0.0.5:6432/ww?sslmode=require")
        for bad in ["", "sqlite:///x", "postgresql://user:secret@host/db", "postgresql://host/db", "postgresql://u@/db", "postgresql://u@host",
                    "postgresql://u@host/", "postgresql://u@host/a/b", "postgresql://u@host:99999/db", "postgresql://u@host/db?sslmode=allow",
                    "postgresql://u@host/db?application_name=x"] {
            #expect(throws: StoreError.self, "\(bad)") { _ = try PostgresAddress(bad) }
        }
        #expect { _ = try PostgresAddress("postgresql://user:secret@host/db") } throws: { error in
            "\(error)".contains("catalog-password-file") && !"\(error)".contains("secret@")
        }
    }
}

extension SharedCatalogTests {
    @Test("a login one replica remembers ends when another replica changes the password or deletes the user")
    func rememberedLogins() async throws {
        let a = try await CatalogEngine.postgresql.makeCatalog()
        let b = try await CatalogEngine.replica(of: a)
        try await a.createUser("alice", passwordHash: try PasswordHasher.hash("first"))
        let onB = Authenticator(catalog: b)
        #expect(try await onB.authenticate(user: "alice", password: "first", from: "192.0.2.1")?.user == "alice")
        try await a.updateUser("alice", passwordHash: try PasswordHasher.hash("second"), builder: nil)
        #expect(try await onB.authenticate(user: "alice", password: "first", from: "192.0.2.1") == nil)
        #expect(try await onB.authenticate(user: "alice", password: "second", from: "192.0.2.1")?.user == "alice")
        try await a.deleteUser("alice")
        #expect(try await onB.authenticate(user: "alice", password: "second", from: "192.0.2.1") == nil)
    }
}

extension SharedCatalogTests {
    @Test("connections are named and no statement waits more than 30 s (a wedged lock holder cannot hang every writer)")
    func connectionSettings() async throws {
        let catalog = try await CatalogEngine.postgresql.makeCatalog()
        let (name, timeout): (String, String) = try await catalog.database.read { db in
            let rows = try await db.rows("SELECT current_setting('application_name') AS name, current_setting('statement_timeout') AS timeout", [])
            return (try rows[0]["name"], try rows[0]["timeout"])
        }
        #expect(name == "wheelwright" && timeout == "30s")
    }
}
