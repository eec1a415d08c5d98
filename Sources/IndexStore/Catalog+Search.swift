import Foundation
import PythonPackaging

/// Full-text search over the projects of every index: `search_doc` holds a project's newest
/// release's texts (`SearchDocument`), kept as files come and go; SQLite indexes it with an FTS5
/// table fed by triggers (porter stemming), PostgreSQL with a weighted, stored tsvector under a
/// GIN index (the name's words as written and stemmed, since queries are stemmed). The name
/// weighs most, then summary and keywords, then the description.
extension Catalog {
    static func createSearchTables(_ session: any SQLSession) throws {
        switch session.dialect {
        case .sqlite:
            try session.execute("""
                CREATE TABLE search_doc (id INTEGER PRIMARY KEY, indexPath TEXT NOT NULL, project TEXT NOT NULL, version TEXT NOT NULL,
                    summary TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL, UNIQUE (indexPath, project))
                """)
            try session.execute("""
                CREATE VIRTUAL TABLE search_fts USING fts5(project, summary, keywords, description,
                    content = 'search_doc', content_rowid = 'id', tokenize = 'porter unicode61')
                """)
            let columns = "project, summary, keywords, description"
            let new = "new.project, new.summary, new.keywords, new.description"
            let old = "'delete', old.id, old.project, old.summary, old.keywords, old.description"
            try session.execute("CREATE TRIGGER search_doc_insert AFTER INSERT ON search_doc BEGIN INSERT INTO search_fts (rowid, \(columns)) VALUES (new.id, \(new)); END")
            try session.execute("CREATE TRIGGER search_doc_delete AFTER DELETE ON search_doc BEGIN INSERT INTO search_fts (search_fts, rowid, \(columns)) VALUES (\(old)); END")
            try session.execute("""
                CREATE TRIGGER search_doc_update AFTER UPDATE ON search_doc BEGIN
                INSERT INTO search_fts (search_fts, rowid, \(columns)) VALUES (\(old));
                INSERT INTO search_fts (rowid, \(columns)) VALUES (new.id, \(new)); END
                """)
        case .postgresql:
            try session.execute("""
                CREATE TABLE search_doc (id \(session.dialect.serialKey), indexPath TEXT NOT NULL, project TEXT NOT NULL, version TEXT NOT NULL,
                    summary TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL,
                    document tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', replace(project, '-', ' ')) || to_tsvector('english', replace(project, '-', ' ')), 'A')
                        || setweight(to_tsvector('english', summary), 'B')
                        || setweight(to_tsvector('english', keywords), 'B') || setweight(to_tsvector('english', description), 'D')) STORED,
                    UNIQUE (indexPath, project))
                """)
            try session.execute("CREATE INDEX search_doc_document ON search_doc USING GIN (document)")
        }
        try session.execute("CREATE INDEX search_doc_project ON search_doc(project)")
    }

    /// Every project's document again, from the files (a migration, an import).
    static func rebuildSearch(_ db: any SQLSession) throws {
        try db.execute("DELETE FROM search_doc")
        var newest: [String: (version: Version?, text: String, metadata: [UInt8]?)] = [:]
        try db.forEachRow("SELECT indexPath, project, version, metadata FROM file", []) { row in
            let key = "\(try row["indexPath"] as String)\u{0}\(try row["project"] as String)"
            let text: String = try row["version"]
            let version = try? Version(text)
            let metadata: [UInt8]? = try row["metadata"]
            if let held = newest[key], !Self.replaces(version, metadata != nil, held.version, held.metadata != nil) { return }
            newest[key] = (version, text, metadata)
        }
        for (key, release) in newest {
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            try Self.storeSearchDocument(SearchDocument(version: release.text, metadata: release.metadata), project: parts[1], indexPath: parts[0], db)
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
    static func indexForSearch(_ file: StoredFile, document: SearchDocument, _ db: any SQLSession) throws {
        let held = try db.row("SELECT version, summary, description FROM search_doc WHERE indexPath = ? AND project = ?",
                              [file.index.description, file.project])
        if let held {
            let heldVersion = try? Version(try held["version"] as String)
            let summary: String = try held["summary"], description: String = try held["description"]
            let heldDescribed = !summary.isEmpty || !description.isEmpty
            guard replaces(try? Version(file.version), document.hasText, heldVersion, heldDescribed) else { return }
        }
        try storeSearchDocument(document, project: file.project, indexPath: file.index.description, db)
    }

    /// The project's document after files of it left `index`: the newest release left, or none.
    static func reindexForSearch(_ project: String, in index: IndexID, _ db: any SQLSession) throws {
        var best: (version: Version?, text: String, metadata: [UInt8]?)?
        for row in try db.rows("SELECT version, metadata FROM file WHERE indexPath = ? AND project = ?", [index.description, project]) {
            let text: String = try row["version"]
            let metadata: [UInt8]? = try row["metadata"]
            if let held = best, !replaces(try? Version(text), metadata != nil, held.version, held.metadata != nil) { continue }
            best = (try? Version(text), text, metadata)
        }
        guard let best else {
            try db.execute("DELETE FROM search_doc WHERE indexPath = ? AND project = ?", [index.description, project])
            return
        }
        try storeSearchDocument(SearchDocument(version: best.text, metadata: best.metadata), project: project, indexPath: index.description, db)
    }

    private static func storeSearchDocument(_ document: SearchDocument, project: String, indexPath: String, _ db: any SQLSession) throws {
        try db.execute("""
            INSERT INTO search_doc (indexPath, project, version, summary, keywords, description) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (indexPath, project) DO UPDATE SET version = excluded.version, summary = excluded.summary,
            keywords = excluded.keywords, description = excluded.description
            """, [indexPath, project, document.version, document.summary, document.keywords, document.description])
    }

    /// The most matches ranked by relevance; a query that matches more shows its newest
    /// documents (and says so): ranking reads every match, and a word in most descriptions
    /// ranks nothing.
    static func maximumRanked(_ dialect: SQLDialect) -> Int {
        // PostgreSQL's ts_rank reads each match's stored vector: about 10 µs a match against FTS5's 1.
        dialect == .sqlite ? 20_000 : 2_000
    }

    /// Projects matching `query` in `indices` (nil: every index): the exact name first, then by
    /// relevance (newest first past `maximumRanked(_:)` matches); at most `limit`.
    public func search(_ query: SearchQuery, in indices: [IndexID]?, limit: Int) throws -> SearchResults {
        guard !query.isEmpty, indices?.isEmpty != true else { return SearchResults(hits: [], broad: false) }
        let within = indices.map { " AND d.indexPath IN (\(placeholders($0.count)))" } ?? ""
        let allowed: [any SQLConvertible] = indices?.map(\.description) ?? []
        return try read { db in
            let exact: [Int64] = try db.values("SELECT d.id FROM search_doc d WHERE d.project = ?\(within) ORDER BY d.indexPath", [query.name] + allowed)
            let (matching, ranked, newest): (String, String, String)
            let term: String
            switch db.dialect {
            case .sqlite:
                term = query.fts5
                let from = indices == nil ? "search_fts f WHERE search_fts MATCH ?" : "search_fts f JOIN search_doc d ON d.id = f.rowid WHERE search_fts MATCH ?\(within)"
                matching = "SELECT COUNT(*) FROM (SELECT 1 FROM \(from) LIMIT \(Self.maximumRanked(db.dialect) + 1))"
                ranked = "SELECT f.rowid FROM \(from) ORDER BY bm25(search_fts, 20.0, 5.0, 5.0, 1.0) LIMIT ?"
                newest = "SELECT f.rowid FROM \(from) ORDER BY f.rowid DESC LIMIT ?"
            case .postgresql:
                term = query.tsquery
                let from = "search_doc d WHERE d.document @@ to_tsquery('english', ?)\(within)"
                matching = "SELECT COUNT(*) FROM (SELECT 1 FROM \(from) LIMIT \(Self.maximumRanked(db.dialect) + 1)) m"
                ranked = "SELECT d.id FROM \(from) ORDER BY ts_rank(d.document, to_tsquery('english', ?)) DESC, d.id LIMIT ?"
                newest = "SELECT d.id FROM \(from) ORDER BY d.id DESC LIMIT ?"
            }
            let count: Int64 = try db.value(matching, [term] + allowed) ?? 0
            let broad = count > Int64(Self.maximumRanked(db.dialect))
            let rankArguments: [any SQLConvertible] = db.dialect == .postgresql && !broad ? [term] : []
            let found: [Int64] = try db.values(broad ? newest : ranked, [term] + allowed + rankArguments + [limit])
            var order = exact
            for id in found where !exact.contains(id) { order.append(id) }
            order = Array(order.prefix(limit))
            guard !order.isEmpty else { return SearchResults(hits: [], broad: broad) }
            var documents: [Int64: SQLRow] = [:]
            for row in try db.rows("SELECT id, project, indexPath, version, summary, description FROM search_doc WHERE id IN (\(placeholders(order.count)))", order) {
                documents[try row["id"]] = row
            }
            let hits = try order.compactMap { id -> SearchHit? in
                guard let row = documents[id], let index = try? IndexID(try row["indexPath"] as String) else { return nil }
                return SearchHit(project: try row["project"], index: index, version: try row["version"],
                                 summary: SearchMarks.marked(try row["summary"], terms: query.terms),
                                 snippet: SearchMarks.snippet(try row["description"], terms: query.terms))
            }
            return SearchResults(hits: hits, broad: broad)
        }
    }
}
