import Foundation
import IndexAPI

/// The catalog's schema, step by step, for both engines: column types come from the dialect,
/// data changes are Swift over plain statements. Identifiers are those SQLite catalogs have
/// recorded since their first release, so an existing catalog applies only what is new.
enum CatalogMigrations {
    static let all: [CatalogMigration] = [
        CatalogMigration(identifier: "v1") { session in
            let d = session.dialect
            try await run(session, """
                CREATE TABLE "user" (
                    name TEXT PRIMARY KEY,
                    passwordHash TEXT NOT NULL,
                    createdAt \(d.real) NOT NULL
                );
                CREATE TABLE token (
                    id TEXT PRIMARY KEY,
                    "user" TEXT NOT NULL REFERENCES "user"(name),
                    secretHash TEXT NOT NULL,
                    indices TEXT,
                    createdAt \(d.real) NOT NULL,
                    revokedAt \(d.real)
                );
                CREATE TABLE "index" (
                    path TEXT PRIMARY KEY,
                    "user" TEXT NOT NULL REFERENCES "user"(name),
                    settings TEXT NOT NULL,
                    createdAt \(d.real) NOT NULL
                );
                CREATE TABLE file (
                    indexPath TEXT NOT NULL REFERENCES "index"(path),
                    filename TEXT NOT NULL,
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    size \(d.integer) NOT NULL,
                    uploadTime \(d.real) NOT NULL,
                    uploader TEXT NOT NULL,
                    requiresPython TEXT,
                    yanked \(d.flag),
                    yankReason TEXT,
                    metadataSHA256 TEXT,
                    provenance TEXT,
                    PRIMARY KEY (indexPath, filename)
                );
                CREATE INDEX file_project ON file(indexPath, project);
                CREATE TABLE state (key TEXT PRIMARY KEY, value \(d.integer) NOT NULL);
                INSERT INTO state VALUES ('generation', 0)
                """)
        },
        // The core metadata file (PEP 658) lives in the row: a few kB that would otherwise cost
        // a second blob, with its own fsync and rename, on every upload.
        CatalogMigration(identifier: "v2-metadata-in-catalog") { session in
            try await session.execute("ALTER TABLE file ADD COLUMN metadata \(session.dialect.blob)")
        },
        // Runs of `wheelwright build`, as each reports itself: for the /+builds/ page.
        CatalogMigration(identifier: "v3-build-runs") { session in
            try await session.execute("""
                CREATE TABLE build_run (
                    id \(session.dialect.serialKey),
                    reportedAt \(session.dialect.real) NOT NULL,
                    reporter TEXT NOT NULL,
                    report TEXT NOT NULL
                )
                """)
        },
        // A build log is a column the server fills from the blob it stored, never a key of the
        // client's provenance (which once named any file as `log_sha256`); every file gets its
        // identity (DistributionIdentity), which the non-volatile rule compares.
        CatalogMigration(identifier: "v4-log-column-and-identity") { session in
            let d = session.dialect
            try await run(session, """
                ALTER TABLE file ADD COLUMN buildLogSHA256 TEXT;
                ALTER TABLE file ADD COLUMN buildLogSize \(d.integer);
                ALTER TABLE file ADD COLUMN identity TEXT
                """)
            for row in try await session.rows("SELECT indexPath, filename, provenance FROM file") {
                let index: String = try row["indexPath"], filename: String = try row["filename"]
                var log: (digest: String, size: Int64)?
                var provenance: String? = try row["provenance"]
                if let text = provenance, var object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
                    if let digest = object["log_sha256"] as? String, BlobDigest(digest) != nil, let size = object["log_size"] as? Int {
                        log = (digest, Int64(size))
                    }
                    let removed = [object.removeValue(forKey: "log_sha256"), object.removeValue(forKey: "log_size")].contains { $0 != nil }
                    if removed {
                        provenance = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
                    }
                }
                try await session.execute("UPDATE file SET identity = ?, buildLogSHA256 = ?, buildLogSize = ?, provenance = ? WHERE indexPath = ? AND filename = ?",
                                    [Catalog.identity(of: filename), log?.digest, log?.size, provenance, index, filename])
            }
            try await session.execute("CREATE INDEX file_identity ON file(indexPath, identity)")
        },
        // Users who may report build runs (`wheelwright build`'s account).
        CatalogMigration(identifier: "v5-builder-users") { session in
            try await session.execute(#"ALTER TABLE "user" ADD COLUMN builder \#(session.dialect.flag)"#)
        },
        CatalogMigration(identifier: "v6-user-email") { session in
            try await session.execute(#"ALTER TABLE "user" ADD COLUMN email TEXT"#)
        },
        // When each token was last used, for `wheelwright token list` (recorded at most once a minute).
        CatalogMigration(identifier: "v7-token-last-used") { session in
            try await session.execute("ALTER TABLE token ADD COLUMN lastUsedAt \(session.dialect.real)")
        },
        // Each run's counts beside its report (the history of 60 nights without decoding 60
        // reports), and the coverage of the whitelist: a row per (project, target), as the
        // latest run that planned it left it. Runs reported before are digested here, in order.
        CatalogMigration(identifier: "v8-run-totals-and-coverage") { session in
            let d = session.dialect
            try await run(session, """
                ALTER TABLE build_run ADD COLUMN built \(d.integer) NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN failed \(d.integer) NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN skipped \(d.integer) NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN cancelled \(d.integer) NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN seconds \(d.real) NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN runID TEXT;
                CREATE TABLE run_item (
                    run \(d.integer) NOT NULL REFERENCES build_run(id),
                    position \(d.integer) NOT NULL,
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    target TEXT NOT NULL,
                    python TEXT NOT NULL,
                    status TEXT NOT NULL,
                    seconds \(d.real) NOT NULL,
                    wheel TEXT,
                    "index" TEXT,
                    reason TEXT,
                    logItem TEXT,
                    PRIMARY KEY (run, position)
                );
                CREATE TABLE coverage (
                    project TEXT NOT NULL,
                    target TEXT NOT NULL,
                    status TEXT NOT NULL,
                    versions TEXT NOT NULL,
                    reason TEXT,
                    logItem TEXT,
                    run \(d.integer) NOT NULL,
                    PRIMARY KEY (project, target)
                )
                """)
            for row in try await session.rows("SELECT id, report FROM build_run ORDER BY id") {
                // Stored only after it decoded at POST; a row from before that keeps zeros.
                let report: String = try row["report"], run: Int64 = try row["id"]
                guard let posted = try? JSONDecoder().decode(PostedRunReport.self, from: Data(report.utf8)) else { continue }
                try await Catalog.record(RunDigest(posted, run: run), run: run, session, buildTools: false)
            }
        },
        // Build leases: one share of the plan (`all`, `shard-I-of-N`) held by one run at a time,
        // across machines; a row past its expiry is free.
        CatalogMigration(identifier: "v9-build-leases") { session in
            try await session.execute("""
                CREATE TABLE lease (
                    name TEXT PRIMARY KEY,
                    owner TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    expiresAt \(session.dialect.real) NOT NULL
                )
                """)
        },
        // A project's files in filename order straight from one index: with (indexPath, project)
        // alone, SQLite chose the primary key to skip the sort and read every file of the index
        // for each project page (1.6 ms at 10,000 files, growing with the index).
        CatalogMigration(identifier: "v10-project-files-in-order") { session in
            try await session.execute("DROP INDEX file_project")
            try await session.execute("CREATE INDEX file_project ON file(indexPath, project, filename)")
        },
        // An item's log is a row of its own, read by its key: serving one decoded the run's
        // whole stored report (7 MiB: 74 ms in debug) for each anonymous request. The logs move
        // out of the stored reports.
        CatalogMigration(identifier: "v11-run-logs") { session in
            try await session.execute("""
                CREATE TABLE run_log (
                    run \(session.dialect.integer) NOT NULL REFERENCES build_run(id),
                    item TEXT NOT NULL,
                    log TEXT NOT NULL,
                    PRIMARY KEY (run, item)
                )
                """)
            for row in try await session.rows("SELECT id, report FROM build_run") {
                let run: Int64 = try row["id"], report: String = try row["report"]
                guard let posted = try? JSONDecoder().decode(PostedRunReport.self, from: Data(report.utf8)), !posted.logs.isEmpty else { continue }
                try await Catalog.recordLogs(posted.logs, run: run, session)
                try await session.execute("UPDATE build_run SET report = ? WHERE id = ?",
                                    [try CanonicalJSON.string(PostedRunReport(report: posted.report, logs: [:])), run])
            }
        },
        // Build tools (what other releases of a run needed to be built) apart on the run and
        // coverage pages.
        CatalogMigration(identifier: "v12-build-tools") { session in
            try await session.execute("ALTER TABLE run_item ADD COLUMN tool \(session.dialect.flag)")
            try await session.execute("ALTER TABLE coverage ADD COLUMN tool \(session.dialect.flag)")
        },
        // Projects' statuses per index (PEP 792): every change kept, who, when and why; the
        // latest of an index is its status there.
        CatalogMigration(identifier: "v13-project-status") { session in
            let d = session.dialect
            try await run(session, """
                CREATE TABLE project_status (
                    id \(d.serialKey),
                    indexPath TEXT NOT NULL REFERENCES "index"(path),
                    project TEXT NOT NULL,
                    status TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    changedAt \(d.real) NOT NULL
                );
                CREATE INDEX project_status_project ON project_status(project, indexPath, id)
                """)
        },
        // Read tokens (`token create --read`): usable in an index URL to read private indices.
        CatalogMigration(identifier: "v14-read-tokens") { session in
            try await session.execute("ALTER TABLE token ADD COLUMN readOnly \(session.dialect.flag)")
        },
        // A release's documentation (devpi's doc_upload): a zip of built HTML, a blob like a file.
        CatalogMigration(identifier: "v15-docs") { session in
            let d = session.dialect
            try await session.execute("""
                CREATE TABLE doc (
                    indexPath TEXT NOT NULL REFERENCES "index"(path),
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    size \(d.integer) NOT NULL,
                    uploadTime \(d.real) NOT NULL,
                    uploader TEXT NOT NULL,
                    PRIMARY KEY (indexPath, project, version)
                )
                """)
        },
        // Test results (devpi's toxresult) per release file, append-only: the JSON as posted with
        // what pages show of it and its log, made once.
        CatalogMigration(identifier: "v16-toxresults") { session in
            let d = session.dialect
            try await run(session, """
                CREATE TABLE toxresult (
                    id \(d.serialKey),
                    indexPath TEXT NOT NULL REFERENCES "index"(path),
                    filename TEXT NOT NULL,
                    fileSHA256 TEXT NOT NULL,
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    uploadTime \(d.real) NOT NULL,
                    uploader TEXT NOT NULL,
                    host TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    environments TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    report TEXT NOT NULL,
                    log TEXT NOT NULL
                );
                CREATE INDEX toxresult_file ON toxresult(indexPath, project, filename)
                """)
        },
        // Full-text search: one document per project of an index (its newest release's summary,
        // keywords and description); SQLite indexes it with FTS5, PostgreSQL with a tsvector.
        CatalogMigration(identifier: "v17-search") { session in
            try await Catalog.createSearchTables(session)
            try await Catalog.rebuildSearch(session)
        },
        // A file's history in its index (devpi's `+links` log): its upload and the pushes that
        // brought it; NULL for a file stored before, whose history is its upload. Which run built
        // a wheel is found by its project.
        CatalogMigration(identifier: "v18-file-history") { session in
            try await session.execute("ALTER TABLE file ADD COLUMN history TEXT")
            try await session.execute("CREATE INDEX run_item_project ON run_item(project)")
        },
        // PostgreSQL's search document split: the name, summary and keywords as a small vector
        // kept in the row (ranked alone), the description's out of line (matched by its GIN
        // index only). SQLite's FTS5 table is unchanged.
        CatalogMigration(identifier: "v19-search-heading") { session in
            guard session.dialect == .postgresql else { return }
            try await session.execute("DROP TABLE search_doc")
            try await Catalog.createSearchTables(session)
            try await Catalog.rebuildSearch(session)
        },
        // The histories of documentation and test results (devpi's `+links` log of a doczip and
        // a toxresult link); NULL for those stored before, whose history is their upload.
        CatalogMigration(identifier: "v20-docs-and-results-history") { session in
            try await session.execute("ALTER TABLE doc ADD COLUMN history TEXT")
            try await session.execute("ALTER TABLE toxresult ADD COLUMN history TEXT")
        },
    ]

    /// Runs each `;`-separated statement of `script` (PostgreSQL prepares one at a time).
    private static func run(_ session: any SQLSession, _ script: String) async throws {
        for statement in script.split(separator: ";\n") { try await session.execute(String(statement)) }
    }
}
