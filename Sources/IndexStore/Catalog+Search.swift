import Foundation
import PythonPackaging

/// Full-text search over the projects of every index: `search_doc` holds a project's newest
/// release's texts (`SearchDocument`), kept as files come and go; SQLite indexes it with an FTS5
/// table fed by triggers (porter stemming), PostgreSQL with weighted, stored tsvectors under GIN
/// indexes (the name's words as written and stemmed, since queries are stemmed): `heading` for
/// the name, summary and keywords, `document` for those and the description. The name weighs
/// most, then summary and keywords, then the description.
extension Catalog {
    static func createSearchTables(_ session: any SQLSession) async throws {
        switch session.dialect {
        case .sqlite:
            try await session.execute("""
                CREATE TABLE search_doc (id INTEGER PRIMARY KEY, indexPath TEXT NOT NULL, project TEXT NOT NULL, version TEXT NOT NULL,
                    summary TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL, UNIQUE (indexPath, project))
                """)
            try await session.execute("""
                CREATE VIRTUAL TABLE search_fts USING fts5(project, summary, keywords, description,
                    content = 'search_doc', content_rowid = 'id', tokenize = 'porter unicode61')
                """)
            let columns = "project, summary, keywords, description"
            let new = "new.project, new.summary, new.keywords, new.description"
            let old = "'delete', old.id, old.project, old.summary, old.keywords, old.description"
            try await session.execute("CREATE TRIGGER search_doc_insert AFTER INSERT ON search_doc BEGIN INSERT INTO search_fts (rowid, \(columns)) VALUES (new.id, \(new)); END")
            try await session.execute("CREATE TRIGGER search_doc_delete AFTER DELETE ON search_doc BEGIN INSERT INTO search_fts (search_fts, rowid, \(columns)) VALUES (\(old)); END")
            try await session.execute("""
                CREATE TRIGGER search_doc_update AFTER UPDATE ON search_doc BEGIN
                INSERT INTO search_fts (search_fts, rowid, \(columns)) VALUES (\(old));
                INSERT INTO search_fts (rowid, \(columns)) VALUES (new.id, \(new)); END
                """)
        case .postgresql:
            // `heading` (name, summary, keywords) stays in the row (STORAGE MAIN, about 200 bytes);
            // a row over 256 bytes moves its description and `document` out of line, so a scan
            // reads narrow rows and only the GIN indexes read `document`.
            let name = "setweight(to_tsvector('simple', replace(project, '-', ' ')) || to_tsvector('english', replace(project, '-', ' ')), 'A')"
            let heading = "\(name) || setweight(to_tsvector('english', summary), 'B') || setweight(to_tsvector('english', keywords), 'B')"
            try await session.execute("""
                CREATE TABLE search_doc (id \(session.dialect.serialKey), indexPath TEXT NOT NULL, project TEXT NOT NULL, version TEXT NOT NULL,
                    summary TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL,
                    heading tsvector GENERATED ALWAYS AS (\(heading)) STORED,
                    document tsvector GENERATED ALWAYS AS (\(heading) || setweight(to_tsvector('english', description), 'D')) STORED,
                    UNIQUE (indexPath, project)) WITH (toast_tuple_target = 256)
                """)
            try await session.execute("ALTER TABLE search_doc ALTER COLUMN heading SET STORAGE MAIN")
            try await session.execute("CREATE INDEX search_doc_heading ON search_doc USING GIN (heading)")
            try await session.execute("CREATE INDEX search_doc_document ON search_doc USING GIN (document)")
        }
        try await session.execute("CREATE INDEX search_doc_project ON search_doc(project)")
    }

    /// Every project's document again, from the files (a migration, an import).
    static func rebuildSearch(_ db: any SQLSession) async throws {
        try await db.execute("DELETE FROM search_doc")
        var newest: [String: (version: Version?, text: String, metadata: [UInt8]?)] = [:]
        try await db.forEachRow("SELECT \(CatalogRecords.SearchSource.columns()) FROM file", []) { row in
            let source = try CatalogRecords.SearchSource(row: row)
            let key = "\(source.indexPath)\u{0}\(source.project)"
            let (text, metadata) = (source.version, source.metadata)
            let version = try? Version(text)
            if let held = newest[key], !Self.replaces(version, metadata != nil, held.version, held.metadata != nil) { return }
            newest[key] = (version, text, metadata)
        }
        for (key, release) in newest {
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            try await Self.storeSearchDocument(SearchDocument(version: release.text, metadata: release.metadata), project: parts[1], indexPath: parts[0], db)
        }
    }

    /// A release of `version` (with core metadata or not) takes the place of the one held.
    private static func replaces(_ version: Version?, _ described: Bool, _ held: Version?, _ heldDescribed: Bool) -> Bool {
        switch (version, held) {
        case let (new?, old?): new > old || (new == old && described && !heldDescribed)
        case (_?, nil): true
        case (nil, _): false
        }
    }

    /// The project's document after `file` was added with `document`, if it is now the newest.
    static func indexForSearch(_ file: StoredFile, document: SearchDocument, _ db: any SQLSession) async throws {
        let held = try await db.row("SELECT version, summary, description FROM search_doc WHERE indexPath = ? AND project = ?",
                              [file.index.description, file.project])
        if let held {
            let heldVersion = try? Version(try held["version"] as String)
            let summary: String = try held["summary"], description: String = try held["description"]
            let heldDescribed = !summary.isEmpty || !description.isEmpty
            guard replaces(try? Version(file.version), document.hasText, heldVersion, heldDescribed) else { return }
        }
        try await storeSearchDocument(document, project: file.project, indexPath: file.index.description, db)
    }

    /// The project's document after files of it left `index`: the newest release left, or none.
    static func reindexForSearch(_ project: String, in index: IndexID, _ db: any SQLSession) async throws {
        var best: (version: Version?, text: String, metadata: [UInt8]?)?
        let sources = try await db.records(CatalogRecords.SearchSource.self, "SELECT \(CatalogRecords.SearchSource.columns()) FROM file WHERE indexPath = ? AND project = ?",
                                           [index.description, project])
        for source in sources {
            let (text, metadata) = (source.version, source.metadata)
            if let held = best, !replaces(try? Version(text), metadata != nil, held.version, held.metadata != nil) { continue }
            best = (try? Version(text), text, metadata)
        }
        guard let best else {
            try await db.execute("DELETE FROM search_doc WHERE indexPath = ? AND project = ?", [index.description, project])
            return
        }
        try await storeSearchDocument(SearchDocument(version: best.text, metadata: best.metadata), project: project, indexPath: index.description, db)
    }

    private static func storeSearchDocument(_ document: SearchDocument, project: String, indexPath: String, _ db: any SQLSession) async throws {
        try await db.execute("""
            INSERT INTO search_doc (indexPath, project, version, summary, keywords, description) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (indexPath, project) DO UPDATE SET version = excluded.version, summary = excluded.summary,
            keywords = excluded.keywords, description = excluded.description
            """, [indexPath, project, document.version, document.summary, document.keywords, document.description])
    }

    /// The most matches ranked by relevance all together (SQLite's bm25 reads about 1 µs a
    /// match); past that a search ranks its matches in names, summaries and keywords, and lists
    /// those matching only in their descriptions newest first. PostgreSQL never ranks
    /// descriptions: each is a vector of kilobytes stored out of line (about 10 µs a match).
    public static func fullyRanked(_ dialect: SQLDialect) -> Int {
        dialect == .sqlite ? 5_000 : 0
    }

    /// The most matches in names, summaries and keywords ranked; a query that matches more in
    /// them shows the newest (and says so).
    static func maximumRanked(_ dialect: SQLDialect) -> Int {
        dialect == .sqlite ? 10_000 : 5_000
    }

    /// Projects matching `query` in `indices` (nil: every index): the exact name first, then by
    /// relevance (newest first past `maximumRanked(_:)` matches); at most `limit`.
    public func search(_ query: SearchQuery, in indices: [IndexID]?, limit: Int) async throws -> SearchResults {
        guard !query.isEmpty, indices?.isEmpty != true else { return SearchResults(hits: [], broad: false) }
        let scope = SearchScope(indices: indices)
        return try await database.snapshot { db in
            let exact: [Int64] = try await db.values("SELECT d.id FROM search_doc d WHERE d.project = ?\(scope.condition) ORDER BY d.indexPath",
                                               [query.name] + scope.arguments)
            let (found, broad) = try await Self.order(SearchStatements(query, scope, dialect: db.dialect), limit: limit, db)
            var order = exact
            for id in found where !exact.contains(id) { order.append(id) }
            order = Array(order.prefix(limit))
            guard !order.isEmpty else { return SearchResults(hits: [], broad: broad) }
            let rows = try await db.records(CatalogRecords.SearchDocumentRow.self,
                                            "SELECT \(CatalogRecords.SearchDocumentRow.columns()) FROM search_doc WHERE id IN (\(placeholders(order.count)))", order)
            let documents = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let hits = order.compactMap { id -> SearchHit? in
                guard let row = documents[id], let index = try? IndexID(row.indexPath) else { return nil }
                return SearchHit(project: row.project, index: index, version: row.version,
                                 summary: SearchMarks.marked(row.summary, terms: query.terms),
                                 snippet: SearchMarks.snippet(row.description, terms: query.terms))
            }
            return SearchResults(hits: hits, broad: broad)
        }
    }

    /// The indices a search reads, as a condition on `search_doc d` and its arguments.
    private struct SearchScope {
        let condition: String
        let arguments: [any SQLConvertible]

        init(indices: [IndexID]?) {
            condition = indices.map { " AND d.indexPath IN (\(placeholders($0.count)))" } ?? ""
            arguments = indices?.map(\.description) ?? []
        }
    }

    /// One engine's search statements, each a `FROM … WHERE …` taking its arguments: matches in
    /// any text (`all`), matches of every word in a name, summary or keywords (`heading`); the
    /// id they give, the heading's rank (an ORDER BY taking `rankArguments`) and, on SQLite, the
    /// rank of all the texts.
    private struct SearchStatements {
        let all, heading, id, headingRank: String
        let allRank: String?
        let arguments, headingArguments, rankArguments: [any SQLConvertible]

        init(_ query: SearchQuery, _ scope: SearchScope, dialect: SQLDialect) {
            switch dialect {
            case .sqlite:
                let from = scope.arguments.isEmpty ? "search_fts f WHERE search_fts MATCH ?"
                    : "search_fts f JOIN search_doc d ON d.id = f.rowid WHERE search_fts MATCH ?\(scope.condition)"
                (all, heading, id) = (from, from, "f.rowid")
                headingRank = "bm25(search_fts, 20.0, 5.0, 5.0, 1.0)"
                allRank = headingRank
                arguments = [query.fts5] + scope.arguments
                headingArguments = ["{project summary keywords} : (\(query.fts5))"] + scope.arguments
                rankArguments = []
            case .postgresql:
                all = "search_doc d WHERE d.document @@ to_tsquery('english', ?)\(scope.condition)"
                heading = "search_doc d WHERE d.heading @@ to_tsquery('english', ?)\(scope.condition)"
                (id, headingRank, allRank) = ("d.id", "ts_rank(d.heading, to_tsquery('english', ?)) DESC, d.id DESC", nil)
                arguments = [query.tsquery] + scope.arguments
                headingArguments = arguments
                rankArguments = [query.tsquery]
            }
        }
    }

    /// The ids of the matches, best first: all of them by relevance when they are few
    /// (`fullyRanked(_:)`); else those of the heading by relevance (newest first past
    /// `maximumRanked(_:)`: then `broad`), and while fewer than `limit`, the rest newest first.
    /// On PostgreSQL the rest are matched by the GIN index alone: the planner is held to bitmap
    /// scans from that statement to the end of the search's transaction (`SET LOCAL`; the hits'
    /// rows are then read by a bitmap scan of the primary key), since it cannot tell that a
    /// filter on `document` reads kilobytes out of line per row.
    private static func order(_ statements: SearchStatements, limit: Int, _ db: any SQLSession) async throws -> ([Int64], Bool) {
        let s = statements
        func count(_ from: String, _ arguments: [any SQLConvertible], upTo bound: Int) async throws -> Int {
            Int(try await db.value("SELECT COUNT(*) FROM (SELECT 1 FROM \(from) LIMIT \(bound + 1)) m", arguments) ?? 0)
        }
        let fully = fullyRanked(db.dialect)
        if let allRank = s.allRank, try await count(s.all, s.arguments, upTo: fully) <= fully {
            return (try await db.values("SELECT \(s.id) FROM \(s.all) ORDER BY \(allRank) LIMIT ?", s.arguments + [limit]), false)
        }
        let broad = try await count(s.heading, s.headingArguments, upTo: maximumRanked(db.dialect)) > maximumRanked(db.dialect)
        var found: [Int64] = broad
            ? try await db.values("SELECT \(s.id) FROM \(s.heading) ORDER BY \(s.id) DESC LIMIT ?", s.headingArguments + [limit])
            : try await db.values("SELECT \(s.id) FROM \(s.heading) ORDER BY \(s.headingRank) LIMIT ?", s.headingArguments + s.rankArguments + [limit])
        guard found.count < limit else { return (found, broad) }
        if db.dialect == .postgresql {
            try await db.execute("SET LOCAL enable_seqscan = off")
            try await db.execute("SET LOCAL enable_indexscan = off")
        }
        // The `limit` newest matches hold at least `limit - found.count` that are not in `found`.
        let newest: [Int64] = try await db.values("SELECT \(s.id) FROM \(s.all) ORDER BY \(s.id) DESC LIMIT ?", s.arguments + [limit])
        let headed = Set(found)
        found += newest.filter { !headed.contains($0) }
        return (found, broad)
    }
}
