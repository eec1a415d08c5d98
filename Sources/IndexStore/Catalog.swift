import Foundation
import GRDB
import IndexAPI
import PythonPackaging
import Synchronization

/// The index store's catalog: users, tokens, indices and files in SQLite (WAL), behind
/// intention-revealing methods. Every write that must be all-or-nothing is one transaction.
public struct Catalog: Sendable {
    private let writer: any DatabaseWriter
    /// The catalog's generation, mirrored in memory: this process is the only writer, so
    /// reading it (on every simple-API request) never touches SQLite.
    private let currentGeneration: SharedGeneration

    /// Opens (creating when needed) the catalog at `path`, or an in-memory one for tests.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Reads are short (pages are cached), so two reader connections are plenty and keep memory low.
        configuration.maximumReaderCount = 2
        if let path {
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try Self.migrator.migrate(writer)
        let stored = try writer.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'generation'") ?? 0 }
        currentGeneration = SharedGeneration(stored)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE user (
                    name TEXT PRIMARY KEY,
                    passwordHash TEXT NOT NULL,
                    createdAt DOUBLE NOT NULL
                );
                CREATE TABLE token (
                    id TEXT PRIMARY KEY,
                    user TEXT NOT NULL REFERENCES user(name),
                    secretHash TEXT NOT NULL,
                    indices TEXT,
                    createdAt DOUBLE NOT NULL,
                    revokedAt DOUBLE
                );
                CREATE TABLE "index" (
                    path TEXT PRIMARY KEY,
                    user TEXT NOT NULL REFERENCES user(name),
                    settings TEXT NOT NULL,
                    createdAt DOUBLE NOT NULL
                );
                CREATE TABLE file (
                    indexPath TEXT NOT NULL REFERENCES "index"(path),
                    filename TEXT NOT NULL,
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    uploadTime DOUBLE NOT NULL,
                    uploader TEXT NOT NULL,
                    requiresPython TEXT,
                    yanked BOOLEAN NOT NULL DEFAULT 0,
                    yankReason TEXT,
                    metadataSHA256 TEXT,
                    provenance TEXT,
                    PRIMARY KEY (indexPath, filename)
                );
                CREATE INDEX file_project ON file(indexPath, project);
                CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO state VALUES ('generation', 0);
                """)
        }
        // The core metadata file (PEP 658) lives in the row: a few kB that would otherwise cost
        // a second blob, with its own fsync and rename, on every upload.
        migrator.registerMigration("v2-metadata-in-catalog") { db in
            try db.execute(sql: "ALTER TABLE file ADD COLUMN metadata BLOB")
        }
        // Runs of `wheelwright build`, as each reports itself: for the /+builds/ page.
        migrator.registerMigration("v3-build-runs") { db in
            try db.execute(sql: """
                CREATE TABLE build_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    reportedAt DOUBLE NOT NULL,
                    reporter TEXT NOT NULL,
                    report TEXT NOT NULL
                );
                """)
        }
        // A build log is a column the server fills from the blob it stored, never a key of the
        // client's provenance (which once named any file as `log_sha256`); every file gets its
        // identity (DistributionIdentity), which the non-volatile rule compares.
        migrator.registerMigration("v4-log-column-and-identity") { db in
            try db.execute(sql: """
                ALTER TABLE file ADD COLUMN buildLogSHA256 TEXT;
                ALTER TABLE file ADD COLUMN buildLogSize INTEGER;
                ALTER TABLE file ADD COLUMN identity TEXT;
                UPDATE file SET buildLogSHA256 = json_extract(provenance, '$.log_sha256'),
                                buildLogSize = json_extract(provenance, '$.log_size')
                    WHERE json_valid(provenance) AND length(json_extract(provenance, '$.log_sha256')) = 64
                    AND json_extract(provenance, '$.log_sha256') NOT GLOB '*[^0-9a-f]*';
                UPDATE file SET provenance = json_remove(provenance, '$.log_sha256', '$.log_size') WHERE json_valid(provenance);
                """)
            for row in try Row.fetchAll(db, sql: "SELECT rowid, filename FROM file") {
                let identity = Self.identity(of: row["filename"] as String)
                try db.execute(sql: "UPDATE file SET identity = ? WHERE rowid = ?", arguments: [identity, row["rowid"] as Int64])
            }
            try db.execute(sql: "CREATE INDEX file_identity ON file(indexPath, identity)")
        }
        // Users who may report build runs (`wheelwright build`'s account).
        migrator.registerMigration("v5-builder-users") { db in
            try db.execute(sql: "ALTER TABLE user ADD COLUMN builder BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v6-user-email") { db in
            try db.execute(sql: "ALTER TABLE user ADD COLUMN email TEXT")
        }
        // When each token was last used, for `wheelwright token list` (recorded at most once a minute).
        migrator.registerMigration("v7-token-last-used") { db in
            try db.execute(sql: "ALTER TABLE token ADD COLUMN lastUsedAt DOUBLE")
        }
        // Each run's counts beside its report (the history of 60 nights without decoding 60
        // reports), and the coverage of the whitelist: a row per (project, target), as the
        // latest run that planned it left it. Runs reported before are digested here, in order.
        migrator.registerMigration("v8-run-totals-and-coverage") { db in
            try db.execute(sql: """
                ALTER TABLE build_run ADD COLUMN built INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN seconds DOUBLE NOT NULL DEFAULT 0;
                ALTER TABLE build_run ADD COLUMN runID TEXT;
                CREATE TABLE run_item (
                    run INTEGER NOT NULL REFERENCES build_run(id),
                    position INTEGER NOT NULL,
                    project TEXT NOT NULL,
                    version TEXT NOT NULL,
                    target TEXT NOT NULL,
                    python TEXT NOT NULL,
                    status TEXT NOT NULL,
                    seconds DOUBLE NOT NULL,
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
                    run INTEGER NOT NULL,
                    PRIMARY KEY (project, target)
                );
                """)
            for row in try Row.fetchAll(db, sql: "SELECT id, report FROM build_run ORDER BY id") {
                // Stored only after it decoded at POST; a row from before that keeps zeros.
                guard let posted = try? JSONDecoder().decode(PostedRunReport.self, from: Data((row["report"] as String).utf8)) else { continue }
                try Self.record(RunDigest(posted, run: row["id"]), run: row["id"], db)
            }
        }
        // Build leases: one share of the plan (`all`, `shard-I-of-N`) held by one run at a time,
        // across machines; a row past its expiry is free.
        migrator.registerMigration("v9-build-leases") { db in
            try db.execute(sql: """
                CREATE TABLE lease (
                    name TEXT PRIMARY KEY,
                    owner TEXT NOT NULL,
                    user TEXT NOT NULL,
                    expiresAt DOUBLE NOT NULL
                );
                """)
        }
        return migrator
    }

    /// The identity a filename stands for; the filename itself when it does not parse (only
    /// rows from before filenames were checked can be such).
    static func identity(of filename: String) -> String {
        if let wheel = try? WheelFilename(filename) { return DistributionIdentity(wheel: wheel).description }
        if let sdist = try? SdistFilename(filename) { return DistributionIdentity(sdist: sdist).description }
        return filename
    }

    // MARK: Users and tokens

    public func userExists(_ name: String) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ?", arguments: [name]) ?? false }
    }

    public func passwordHash(of user: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT passwordHash FROM user WHERE name = ?", arguments: [user]) }
    }

    public func createUser(_ name: String, passwordHash: String, builder: Bool = false, email: String? = nil) throws {
        try StoreName.validate(name, what: "user")
        try writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ?", arguments: [name]) ?? false {
                throw StoreError.conflict("user \(name) already exists")
            }
            try db.execute(sql: "INSERT INTO user (name, passwordHash, createdAt, builder, email) VALUES (?, ?, ?, ?, ?)",
                           arguments: [name, passwordHash, Date().timeIntervalSince1970, builder, email])
            try bumpGeneration(db)
        }
    }

    /// Changes a user's password hash, builder mark and/or email.
    public func updateUser(_ name: String, passwordHash: String?, builder: Bool?, email: String? = nil) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ?", arguments: [name]) ?? false else {
                throw StoreError.notFound("user \(name) does not exist")
            }
            if let passwordHash { try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE name = ?", arguments: [passwordHash, name]) }
            if let builder { try db.execute(sql: "UPDATE user SET builder = ? WHERE name = ?", arguments: [builder, name]) }
            if let email { try db.execute(sql: "UPDATE user SET email = ? WHERE name = ?", arguments: [email, name]) }
            try bumpGeneration(db)
        }
    }

    public func email(of name: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT email FROM user WHERE name = ?", arguments: [name]) }
    }

    /// Deletes a volatile index and its files. Refused for a non-volatile index (its files are
    /// never deleted) and for a base of another index.
    public func deleteIndex(_ path: IndexID) throws {
        try writer.write { db in
            guard let settings = try Self.settings(of: path, db) else { throw StoreError.notFound("index \(path) does not exist") }
            guard settings.volatile else { throw StoreError.forbidden("index \(path) is non-volatile: it is never deleted") }
            try Self.refuseIfBase(of: [path], db)
            try db.execute(sql: "DELETE FROM file WHERE indexPath = ?", arguments: [path.description])
            try db.execute(sql: #"DELETE FROM "index" WHERE path = ?"#, arguments: [path.description])
            try bumpGeneration(db)
        }
    }

    /// Deletes a user with their indices (all volatile, none a base of another user's index),
    /// their files and their tokens.
    public func deleteUser(_ name: String) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ?", arguments: [name]) ?? false else {
                throw StoreError.notFound("user \(name) does not exist")
            }
            let own = try String.fetchAll(db, sql: #"SELECT path FROM "index" WHERE user = ?"#, arguments: [name]).map { try IndexID($0) }
            for index in own where try Self.settings(of: index, db)?.volatile != true {
                throw StoreError.forbidden("user \(name) has the non-volatile index \(index), which is never deleted")
            }
            try Self.refuseIfBase(of: own, db)
            for index in own {
                try db.execute(sql: "DELETE FROM file WHERE indexPath = ?", arguments: [index.description])
            }
            try db.execute(sql: #"DELETE FROM "index" WHERE user = ?"#, arguments: [name])
            try db.execute(sql: "DELETE FROM token WHERE user = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM user WHERE name = ?", arguments: [name])
            try bumpGeneration(db)
        }
    }

    /// A 409 when an index outside `deleted` has one of them as a base.
    /// Refuses when another index serves one of `deleted` through its bases, naming every such index.
    private static func refuseIfBase(of deleted: [IndexID], _ db: Database) throws {
        var users: [IndexID: [IndexID]] = [:]
        for row in try Row.fetchAll(db, sql: #"SELECT path, settings FROM "index""#) {
            let path = try IndexID(row["path"] as String)
            guard !deleted.contains(path) else { continue }
            let settings = try JSONDecoder().decode(IndexSettings.self, from: Data((row["settings"] as String).utf8))
            for base in settings.bases where deleted.contains(base) { users[base, default: []].append(path) }
        }
        guard let base = users.keys.sorted(by: { $0.description < $1.description }).first, let dependents = users[base] else { return }
        let names = dependents.map(\.description).sorted().joined(separator: ", ")
        throw StoreError.conflict("\(base) is a base of \(names): change their bases first")
    }

    public func isBuilder(_ name: String) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT builder FROM user WHERE name = ?", arguments: [name]) ?? false }
    }

    public func users() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM user ORDER BY name") }
    }

    public func createToken(id: String, user: String, secretHash: String, indices: [IndexID]?) throws {
        let scope = try indices.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try writer.write { db in
            try db.execute(sql: "INSERT INTO token (id, user, secretHash, indices, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, user, secretHash, scope, Date().timeIntervalSince1970])
        }
    }

    /// The token's owner, secret hash and index scope (nil: every index the user may write), if it is live.
    public func token(_ id: String) throws -> (user: String, secretHash: String, indices: [IndexID]?)? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user, secretHash, indices FROM token WHERE id = ? AND revokedAt IS NULL", arguments: [id]) else {
                return nil
            }
            let scope: String? = row["indices"]
            let indices = try scope.map { try JSONDecoder().decode([IndexID].self, from: Data($0.utf8)) }
            return (row["user"], row["secretHash"], indices)
        }
    }

    /// The live tokens of `user` (of everyone when nil), oldest first.
    public func tokens(of user: String?) throws -> [TokenSummary] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, user, indices, createdAt, lastUsedAt FROM token
                WHERE revokedAt IS NULL AND (? IS NULL OR user = ?) ORDER BY createdAt, id
                """, arguments: [user, user])
            return try rows.map { row in
                let scope: String? = row["indices"]
                return TokenSummary(id: row["id"], user: row["user"],
                                    indices: try scope.map { try JSONDecoder().decode([IndexID].self, from: Data($0.utf8)).map(\.description) },
                                    created: row["createdAt"], lastUsed: row["lastUsedAt"])
            }
        }
    }

    public func markTokenUsed(_ id: String, at time: Double) throws {
        try writer.write { db in try db.execute(sql: "UPDATE token SET lastUsedAt = ? WHERE id = ?", arguments: [time, id]) }
    }

    /// The owner of a token, live or revoked.
    public func tokenOwner(_ id: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT user FROM token WHERE id = ?", arguments: [id]) }
    }

    public func revokeToken(_ id: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE token SET revokedAt = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, id])
        }
    }

    // MARK: Indices

    public func createIndex(_ path: IndexID, settings: IndexSettings) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE name = ?", arguments: [path.user]) ?? false else {
                throw StoreError.notFound("user \(path.user) does not exist")
            }
            if try Bool.fetchOne(db, sql: #"SELECT 1 FROM "index" WHERE path = ?"#, arguments: [path.description]) ?? false {
                throw StoreError.conflict("index \(path) already exists")
            }
            try Self.checkBases(settings.bases, of: path, db)
            try db.execute(sql: #"INSERT INTO "index" VALUES (?, ?, ?, ?)"#,
                           arguments: [path.description, path.user, try Self.encode(settings), Date().timeIntervalSince1970])
            try bumpGeneration(db)
        }
    }

    /// Changes bases and the upload ACL. `volatile` may go from true to false, never back once
    /// the index holds files.
    public func updateIndex(_ path: IndexID, _ change: (inout IndexSettings) -> Void) throws -> IndexSettings {
        try writer.write { db in
            guard var settings = try Self.settings(of: path, db) else { throw StoreError.notFound("index \(path) does not exist") }
            let before = settings
            change(&settings)
            if !before.volatile && settings.volatile,
               try Bool.fetchOne(db, sql: "SELECT 1 FROM file WHERE indexPath = ? LIMIT 1", arguments: [path.description]) ?? false {
                throw StoreError.conflict("index \(path) holds files and is non-volatile: it cannot become volatile")
            }
            try Self.checkBases(settings.bases, of: path, db)
            try db.execute(sql: #"UPDATE "index" SET settings = ? WHERE path = ?"#, arguments: [try Self.encode(settings), path.description])
            try bumpGeneration(db)
            return settings
        }
    }

    public func settings(of path: IndexID) throws -> IndexSettings? {
        try writer.read { db in try Self.settings(of: path, db) }
    }

    public func indices() throws -> [(path: IndexID, settings: IndexSettings)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: #"SELECT path, settings FROM "index" ORDER BY path"#).map { row in
                (try IndexID(row["path"] as String), try JSONDecoder().decode(IndexSettings.self, from: Data((row["settings"] as String).utf8)))
            }
        }
    }

    /// The index and its bases, depth first in order, each once: where the simple API looks.
    public func resolutionOrder(of path: IndexID) throws -> [IndexID] {
        try writer.read { db in
            var order: [IndexID] = []
            func visit(_ index: IndexID) throws {
                guard !order.contains(index), let settings = try Self.settings(of: index, db) else { return }
                order.append(index)
                for base in settings.bases { try visit(base) }
            }
            try visit(path)
            return order
        }
    }

    private static func settings(of path: IndexID, _ db: Database) throws -> IndexSettings? {
        guard let json = try String.fetchOne(db.cachedStatement(sql: #"SELECT settings FROM "index" WHERE path = ?"#), arguments: [path.description]) else {
            return nil
        }
        return try JSONDecoder().decode(IndexSettings.self, from: Data(json.utf8))
    }

    private static func checkBases(_ bases: [IndexID], of path: IndexID, _ db: Database) throws {
        for base in bases {
            if base == path { throw StoreError.badRequest("index \(path) cannot be its own base") }
            guard try settings(of: base, db) != nil else { throw StoreError.badRequest("base index \(base) does not exist") }
        }
        // A cycle through other indices: a depth-first walk from each base back to `path`.
        func walk(_ index: IndexID, _ trail: [IndexID]) throws {
            if index == path {
                throw StoreError.badRequest("bases would make a cycle: \(([path] + trail).map(\.description).joined(separator: " → "))")
            }
            guard trail.count < 64, let settings = try settings(of: index, db) else { return }
            for base in settings.bases where !trail.dropLast().contains(base) { try walk(base, trail + [base]) }
        }
        for base in bases {
            guard let settings = try settings(of: base, db) else { continue }
            for next in settings.bases { try walk(next, [base, next]) }
        }
    }

    private static func encode(_ settings: IndexSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }

    // MARK: Files

    /// Records an uploaded file. A file of the same identity (DistributionIdentity: however its
    /// name is spelled) and the same bytes: nothing changes. Different bytes on a non-volatile
    /// index: a conflict ("already exists"); on a volatile one, the old file is replaced.
    public func addFile(_ file: StoredFile, metadata: [UInt8]? = nil) throws -> UploadOutcome {
        try writer.write { db in
            guard let settings = try Self.settings(of: file.index, db) else { throw StoreError.notFound("index \(file.index) does not exist") }
            let identity = Self.identity(of: file.filename)
            if let existing = try Self.file(sameAs: identity, filename: file.filename, in: file.index, db) {
                if existing.sha256 == file.sha256 { return .alreadyPresent(existing) }
                guard settings.volatile else {
                    throw StoreError.alreadyExists(file.filename, as: existing.filename, in: file.index)
                }
                try db.execute(sql: "DELETE FROM file WHERE indexPath = ? AND (filename = ? OR identity = ?)",
                               arguments: [file.index.description, file.filename, identity])
            }
            try db.cachedStatement(sql: """
                INSERT INTO file (indexPath, filename, project, version, kind, sha256, size, uploadTime, uploader, requiresPython,
                    yanked, yankReason, metadataSHA256, provenance, metadata, buildLogSHA256, buildLogSize, identity)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                file.index.description, file.filename, file.project, file.version, file.kind.rawValue, file.sha256,
                file.size, file.uploadTime, file.uploader, file.requiresPython, file.yanked, file.yankReason,
                file.metadataSHA256, file.provenance?.json, metadata.map { Data($0) }, file.buildLog?.digest.hex,
                file.buildLog?.size, identity,
            ])
            try bumpGeneration(db)
            return .stored(file)
        }
    }

    public func file(_ index: IndexID, _ filename: String) throws -> StoredFile? {
        try writer.read { db in try Self.file(index, filename, db) }
    }

    /// The file of `index` with this filename or, failing that, with the same identity.
    public func file(sameAs filename: String, in index: IndexID) throws -> StoredFile? {
        try writer.read { db in try Self.file(sameAs: Self.identity(of: filename), filename: filename, in: index, db) }
    }

    private static func file(sameAs identity: String, filename: String, in index: IndexID, _ db: Database) throws -> StoredFile? {
        if let exact = try file(index, filename, db) { return exact }
        return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM file WHERE indexPath = ? AND identity = ? LIMIT 1"),
                                arguments: [index.description, identity]).map(storedFile)
    }

    /// A project's files across `indices` (in resolution order); for one filename the first index wins.
    public func files(of project: String, in indices: [IndexID]) throws -> [StoredFile] {
        try writer.read { db in
            var seen = Set<String>()
            var result: [StoredFile] = []
            for index in indices {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM file WHERE indexPath = ? AND project = ? ORDER BY filename",
                                            arguments: [index.description, project])
                for row in rows {
                    let file = try Self.storedFile(row)
                    if seen.insert(file.filename).inserted { result.append(file) }
                }
            }
            return result
        }
    }

    /// The normalized project names across `indices`, sorted.
    public func projects(in indices: [IndexID]) throws -> [String] {
        guard !indices.isEmpty else { return [] }
        return try writer.read { db in
            let marks = Array(repeating: "?", count: indices.count).joined(separator: ",")
            return try String.fetchAll(db, sql: "SELECT DISTINCT project FROM file WHERE indexPath IN (\(marks)) ORDER BY project",
                                       arguments: StatementArguments(indices.map(\.description)))
        }
    }

    /// Removes a version's files from a volatile index (their blobs go at the next start, once
    /// nothing refers to them). A non-volatile index refuses: yank instead.
    /// Removes a release's files (or, with no version, the whole project's) from a volatile index.
    public func deleteFiles(_ index: IndexID, project: String, version: String?) throws -> Int {
        try writer.write { db in
            guard let settings = try Self.settings(of: index, db) else { throw StoreError.notFound("index \(index) does not exist") }
            guard settings.volatile else {
                throw StoreError.forbidden("\(index) is non-volatile: files are never deleted; yank them instead")
            }
            if let version {
                try db.execute(sql: "DELETE FROM file WHERE indexPath = ? AND project = ? AND version = ?",
                               arguments: [index.description, project, version])
            } else {
                try db.execute(sql: "DELETE FROM file WHERE indexPath = ? AND project = ?", arguments: [index.description, project])
            }
            let removed = db.changesCount
            guard removed > 0 else { throw StoreError.notFound("\(project) \(version ?? "") is not in \(index)") }
            try bumpGeneration(db)
            return removed
        }
    }

    public func setYanked(_ index: IndexID, _ filename: String, yanked: Bool, reason: String?) throws -> StoredFile {
        try writer.write { db in
            guard try Self.file(index, filename, db) != nil else { throw StoreError.notFound("\(filename) is not in \(index)") }
            try db.execute(sql: "UPDATE file SET yanked = ?, yankReason = ? WHERE indexPath = ? AND filename = ?",
                           arguments: [yanked, yanked ? reason : nil, index.description, filename])
            try bumpGeneration(db)
            return try Self.file(index, filename, db)!
        }
    }

    /// The core metadata file of a stored distribution (PEP 658), if it has one.
    public func coreMetadata(_ index: IndexID, _ filename: String) throws -> [UInt8]? {
        try writer.read { db in
            try Data.fetchOne(db, sql: "SELECT metadata FROM file WHERE indexPath = ? AND filename = ?", arguments: [index.description, filename])
                .map { [UInt8]($0) }
        }
    }

    /// Every blob the catalog refers to (files and their build logs): what the blob store keeps.
    /// Answers a trivial query: the catalog can be read.
    public func ping() throws {
        _ = try writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// A consistent copy of the whole catalog at `path` (SQLite's online backup: safe while
    /// the server writes; the copy is one moment's state).
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try writer.backup(to: copy)
        try copy.close()
    }

    /// Every blob the catalog names with the size it must have: files and their build logs.
    public func blobReferences() throws -> [BlobReference] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT sha256 AS digest, size FROM file
                UNION SELECT buildLogSHA256, buildLogSize FROM file WHERE buildLogSHA256 IS NOT NULL
                """)
            return rows.compactMap { row in
                guard let digest = BlobDigest(row["digest"] as String), let size = row["size"] as Int64? else { return nil }
                return BlobReference(digest: digest, size: size)
            }
        }
    }

    public func referencedBlobs() throws -> Set<String> {
        try writer.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT sha256 FROM file UNION SELECT buildLogSHA256 FROM file WHERE buildLogSHA256 IS NOT NULL
                """))
        }
    }

    /// Per index: its number of projects and files and its last upload.
    public func indexStatistics() throws -> [IndexID: IndexStatistics] {
        try writer.read { db in
            var result: [IndexID: IndexStatistics] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT indexPath, COUNT(DISTINCT project) AS projects, COUNT(*) AS files, MAX(uploadTime) AS last FROM file GROUP BY indexPath") {
                guard let path = try? IndexID(row["indexPath"] as String) else { continue }
                result[path] = IndexStatistics(projects: row["projects"], files: row["files"], lastUpload: row["last"])
            }
            return result
        }
    }

    /// One page of the projects across `indices` whose name contains `filter`, by name, and how
    /// many match in all. The page's names come from the (indexPath, project) index alone; only
    /// those names' rows are read for their counts, so the last page of 100,000 costs as the first.
    public func projectSummaries(in indices: [IndexID], containing filter: String, limit: Int, offset: Int) throws -> (page: [ProjectSummary], total: Int) {
        guard !indices.isEmpty else { return ([], 0) }
        return try writer.read { db in
            let marks = Array(repeating: "?", count: indices.count).joined(separator: ",")
            var arguments = StatementArguments(indices.map(\.description))
            var condition = "indexPath IN (\(marks))"
            if !filter.isEmpty {
                condition += " AND project LIKE ? ESCAPE '\\'"
                arguments += [Self.containing(filter)]
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT project) FROM file WHERE \(condition)", arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [limit, offset]
            let names = try String.fetchAll(db, sql: "SELECT DISTINCT project FROM file WHERE \(condition) ORDER BY project LIMIT ? OFFSET ?",
                                            arguments: pageArguments)
            guard !names.isEmpty else { return ([], total) }
            var rowArguments = StatementArguments(indices.map(\.description))
            rowArguments += StatementArguments(names)
            let rows = try Row.fetchAll(db, sql: """
                SELECT project, COUNT(*) AS files, MAX(uploadTime) AS last, GROUP_CONCAT(DISTINCT version) AS versions
                FROM file WHERE indexPath IN (\(marks)) AND project IN (\(Array(repeating: "?", count: names.count).joined(separator: ",")))
                GROUP BY project ORDER BY project
                """, arguments: rowArguments)
            let page = rows.map { row in
                ProjectSummary(name: row["project"], files: row["files"], lastUpload: row["last"],
                               versions: (row["versions"] as String? ?? "").split(separator: ",").map(String.init))
            }
            return (page, total)
        }
    }

    /// Projects whose name contains `text`, with the indices that hold them.
    public func search(_ text: String, limit: Int) throws -> [(project: String, index: IndexID)] {
        try writer.read { db in
            let pattern = Self.containing(text)
            return try Row.fetchAll(db, sql: "SELECT DISTINCT project, indexPath FROM file WHERE project LIKE ? ESCAPE '\\' ORDER BY project, indexPath LIMIT ?",
                                    arguments: [pattern, limit]).compactMap { row in
                (try? IndexID(row["indexPath"] as String)).map { (row["project"], $0) }
            }
        }
    }

    /// A LIKE pattern (with `ESCAPE '\\'`) matching names that contain `text` literally.
    private static func containing(_ text: String) -> String {
        var pattern = "%"
        for character in text {
            if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }

    /// Records a build run's report (JSON) with its digest; returns its number.
    public func addBuildRun(reporter: String, report: String, digest: RunDigest) throws -> Int64 {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO build_run (reportedAt, reporter, report) VALUES (?, ?, ?)",
                           arguments: [Date().timeIntervalSince1970, reporter, report])
            let run = db.lastInsertedRowID
            try Self.record(digest, run: run, db)
            try bumpGeneration(db)
            return run
        }
    }

    /// A run's counts on its row, and its coverage cells over those of earlier runs.
    private static func record(_ digest: RunDigest, run: Int64, _ db: Database) throws {
        try db.execute(sql: "UPDATE build_run SET built = ?, failed = ?, skipped = ?, cancelled = ?, seconds = ?, runID = ? WHERE id = ?",
                       arguments: [digest.built, digest.failed, digest.skipped, digest.cancelled, digest.seconds, digest.runID, run])
        let item = try db.cachedStatement(sql: "INSERT INTO run_item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (position, entry) in digest.items.enumerated() {
            try item.execute(arguments: [run, position, entry.project, entry.version, entry.target, entry.python, entry.status, entry.seconds,
                                         entry.wheel, entry.index, entry.reason, entry.logItem])
        }
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO coverage VALUES (?, ?, ?, ?, ?, ?, ?)")
        for cell in digest.cells {
            try statement.execute(arguments: [cell.project, cell.target, cell.status.rawValue, cell.versions, cell.reason, cell.logItem, run])
        }
    }

    /// Takes or renews lease `name` for `owner` until `now + seconds`; returns the lease that
    /// stands in the way instead when another owner holds it or one that overlaps (`all`
    /// overlaps every share), unexpired. One transaction: two callers never both win.
    public func acquireLease(_ name: String, owner: String, user: String, seconds: Int, now: Double = Date().timeIntervalSince1970)
        throws -> (granted: Bool, lease: BuildLease) {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM lease WHERE expiresAt <= ?", arguments: [now])
            let rows = try Row.fetchAll(db, sql: "SELECT name, owner, expiresAt FROM lease WHERE (name = ? OR name = 'all' OR ? = 'all') AND owner != ?",
                                        arguments: [name, name, owner])
            if let row = rows.first {
                return (false, BuildLease(name: row["name"], owner: row["owner"], expires: row["expiresAt"]))
            }
            let lease = BuildLease(name: name, owner: owner, expires: now + Double(seconds))
            try db.execute(sql: "INSERT OR REPLACE INTO lease VALUES (?, ?, ?, ?)", arguments: [name, owner, user, lease.expires])
            return (true, lease)
        }
    }

    /// Ends lease `name` if `owner` holds it; false when it does not.
    public func releaseLease(_ name: String, owner: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM lease WHERE name = ? AND owner = ?", arguments: [name, owner])
            return db.changesCount > 0
        }
    }

    /// The counts of the latest `limit` runs (or of run `only`), newest first.
    public func runTotals(limit: Int, only: Int64? = nil) throws -> [RunTotals] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, reportedAt, reporter, runID, built, failed, skipped, cancelled, seconds FROM build_run
                WHERE ? IS NULL OR id = ? ORDER BY id DESC LIMIT ?
                """, arguments: [only, only, limit]).map { row in
                RunTotals(run: row["id"], reportedAt: row["reportedAt"], reporter: row["reporter"], runID: row["runID"], built: row["built"],
                          failed: row["failed"], skipped: row["skipped"], cancelled: row["cancelled"], seconds: row["seconds"])
            }
        }
    }

    /// The items of the given runs (of those with one of `statuses` when given), in each run's order.
    public func runItems(of runs: [Int64], statuses: [String]? = nil) throws -> [RunItem] {
        guard !runs.isEmpty else { return [] }
        return try writer.read { db in
            let runList = runs.map { _ in "?" }.joined(separator: ",")
            var arguments = StatementArguments(runs)
            var filter = ""
            if let statuses {
                filter = " AND status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))"
                arguments += StatementArguments(statuses)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM run_item WHERE run IN (\(runList))\(filter) ORDER BY run DESC, position",
                                    arguments: arguments).map { row in
                RunItem(run: row["run"], project: row["project"], version: row["version"], target: row["target"], python: row["python"],
                        status: row["status"], seconds: row["seconds"], wheel: row["wheel"], index: row["index"], reason: row["reason"],
                        logItem: row["logItem"])
            }
        }
    }

    /// Every (project, target) any run planned, by project then target.
    public func coverage() throws -> [CoverageCell] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM coverage ORDER BY project, target").map { row in
                CoverageCell(project: row["project"], target: row["target"], status: CoverageCell.Status(rawValue: row["status"]) ?? .pending,
                             versions: row["versions"], reason: row["reason"], logItem: row["logItem"], run: row["run"])
            }
        }
    }

    /// One build run by its number.
    public func buildRun(_ id: Int64) throws -> ReportedRun? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM build_run WHERE id = ?", arguments: [id]).map(Self.buildRun)
        }
    }

    /// The newest build runs first.
    public func buildRuns(limit: Int) throws -> [ReportedRun] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM build_run ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.buildRun)
        }
    }

    private static func buildRun(_ row: Row) -> ReportedRun {
        ReportedRun(id: row["id"], reportedAt: row["reportedAt"], reporter: row["reporter"], report: row["report"])
    }

    /// Every file of every index, by index and filename.
    public func everyFile() throws -> [StoredFile] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM file ORDER BY indexPath, filename").map(Self.storedFile)
        }
    }

    /// Every file of one index (not its bases), by filename.
    public func files(in index: IndexID) throws -> [StoredFile] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM file WHERE indexPath = ? ORDER BY filename", arguments: [index.description])
                .map(Self.storedFile)
        }
    }

    /// A number that changes with every write: the server's cache key and ETag seed.
    public func generation() -> Int64 { currentGeneration.value }

    /// Counts a write, in the database and (once the transaction commits) in memory.
    private func bumpGeneration(_ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE state SET value = value + 1 WHERE key = 'generation'").execute()
        let generation = currentGeneration
        db.afterNextTransaction { _ in generation.increment() }
    }

    private static func file(_ index: IndexID, _ filename: String, _ db: Database) throws -> StoredFile? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM file WHERE indexPath = ? AND filename = ?"), arguments: [index.description, filename])
            .map(storedFile)
    }

    private static func storedFile(_ row: Row) throws -> StoredFile {
        StoredFile(
            index: try IndexID(row["indexPath"] as String), filename: row["filename"], project: row["project"],
            version: row["version"], kind: DistributionKind(rawValue: row["kind"]) ?? .wheel, sha256: row["sha256"],
            size: row["size"], uploadTime: row["uploadTime"], uploader: row["uploader"], requiresPython: row["requiresPython"],
            yanked: row["yanked"], yankReason: row["yankReason"], metadataSHA256: row["metadataSHA256"],
            provenance: (row["provenance"] as String?).flatMap { try? JSONDecoder().decode(Provenance.self, from: Data($0.utf8)) },
            buildLog: (row["buildLogSHA256"] as String?).flatMap(BlobDigest.init).map { BlobReference(digest: $0, size: row["buildLogSize"] ?? 0) }
        )
    }
}
