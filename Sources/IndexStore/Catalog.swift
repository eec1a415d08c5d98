import Foundation
import IndexAPI
import PythonPackaging
import Synchronization

/// The index store's catalog: users, tokens, indices and files, behind intention-revealing
/// methods, on SQLite (one process) or PostgreSQL (replicas): the same statements on either
/// engine (`CatalogDatabase`). Every write that must be all-or-nothing is one transaction, and
/// writes are serialized across every process on the catalog.
public struct Catalog: Sendable {
    public let database: any CatalogDatabase

    /// Opens (creating when needed) the SQLite catalog at `path`, or an in-memory one for tests.
    public init(path: String?) async throws {
        try await self.init(database: try SQLiteCatalogDatabase(path: path))
    }

    /// Opens the catalog on `database`, applying the migrations it lacks.
    public init(database: any CatalogDatabase) async throws {
        self.database = database
        try await database.migrate(CatalogMigrations.all)
    }

    /// The identity a filename stands for; the filename itself when it does not parse (only
    /// rows from before filenames were checked can be such).
    static func identity(of filename: String) -> String {
        if let wheel = try? WheelFilename(filename) { return DistributionIdentity(wheel: wheel).description }
        if let sdist = try? SdistFilename(filename) { return DistributionIdentity(sdist: sdist).description }
        return filename
    }

    func read<T>(_ body: (any SQLSession) async throws -> T) async throws -> T { try await database.read(body) }

    @discardableResult
    func write<T>(_ body: (any SQLSession) async throws -> T) async throws -> T { try await database.write(body) }

    // MARK: Users and tokens

    public func userExists(_ name: String) async throws -> Bool {
        try await read { db in try await db.exists(#"SELECT 1 FROM "user" WHERE name = ?"#, [name]) }
    }

    public func passwordHash(of user: String) async throws -> String? {
        try await read { db in try await db.value(#"SELECT passwordHash FROM "user" WHERE name = ?"#, [user]) }
    }

    public func createUser(_ name: String, passwordHash: String, builder: Bool = false, email: String? = nil) async throws {
        try StoreName.validate(name, what: "user")
        try await write { db in
            if try await db.exists(#"SELECT 1 FROM "user" WHERE name = ?"#, [name]) {
                throw StoreError.conflict("user \(name) already exists")
            }
            try await db.execute(#"INSERT INTO "user" (name, passwordHash, createdAt, builder, email) VALUES (?, ?, ?, ?, ?)"#,
                           [name, passwordHash, Date().timeIntervalSince1970, builder, email])
            try await db.bumpGeneration(.everything)
        }
    }

    /// Changes a user's password hash, builder mark and/or email.
    public func updateUser(_ name: String, passwordHash: String?, builder: Bool?, email: String? = nil) async throws {
        try await write { db in
            guard try await db.exists(#"SELECT 1 FROM "user" WHERE name = ?"#, [name]) else {
                throw StoreError.notFound("user \(name) does not exist")
            }
            if let passwordHash { try await db.execute(#"UPDATE "user" SET passwordHash = ? WHERE name = ?"#, [passwordHash, name]) }
            if let builder { try await db.execute(#"UPDATE "user" SET builder = ? WHERE name = ?"#, [builder, name]) }
            if let email { try await db.execute(#"UPDATE "user" SET email = ? WHERE name = ?"#, [email, name]) }
            try await db.bumpGeneration(.everything)
        }
    }

    public func email(of name: String) async throws -> String? {
        try await read { db in try await db.row(#"SELECT email FROM "user" WHERE name = ?"#, [name])?["email"] }
    }

    /// Deletes a volatile index and its files. Refused for a non-volatile index (its files are
    /// never deleted) and for a base of another index.
    public func deleteIndex(_ path: IndexID) async throws {
        try await write { db in
            guard let settings = try await Self.settings(of: path, db) else { throw StoreError.notFound("index \(path) does not exist") }
            guard settings.volatile else { throw StoreError.forbidden("index \(path) is non-volatile: it is never deleted") }
            try await Self.refuseIfBase(of: [path], db)
            try await db.execute("DELETE FROM file WHERE indexPath = ?", [path.description])
            try await db.execute("DELETE FROM doc WHERE indexPath = ?", [path.description])
            try await db.execute("DELETE FROM toxresult WHERE indexPath = ?", [path.description])
            try await db.execute("DELETE FROM search_doc WHERE indexPath = ?", [path.description])
            try await db.execute("DELETE FROM project_status WHERE indexPath = ?", [path.description])
            try await db.execute(#"DELETE FROM "index" WHERE path = ?"#, [path.description])
            try await db.bumpGeneration(.everything)
        }
    }

    /// Deletes a user with their indices (all volatile, none a base of another user's index),
    /// their files and their tokens.
    public func deleteUser(_ name: String) async throws {
        try await write { db in
            guard try await db.exists(#"SELECT 1 FROM "user" WHERE name = ?"#, [name]) else {
                throw StoreError.notFound("user \(name) does not exist")
            }
            let own = try await (db.values(#"SELECT path FROM "index" WHERE "user" = ?"#, [name]) as [String]).map { try IndexID($0) }
            for index in own where try await Self.settings(of: index, db)?.volatile != true {
                throw StoreError.forbidden("user \(name) has the non-volatile index \(index), which is never deleted")
            }
            try await Self.refuseIfBase(of: own, db)
            for index in own {
                try await db.execute("DELETE FROM file WHERE indexPath = ?", [index.description])
                try await db.execute("DELETE FROM doc WHERE indexPath = ?", [index.description])
                try await db.execute("DELETE FROM toxresult WHERE indexPath = ?", [index.description])
                try await db.execute("DELETE FROM search_doc WHERE indexPath = ?", [index.description])
                try await db.execute("DELETE FROM project_status WHERE indexPath = ?", [index.description])
            }
            try await db.execute(#"DELETE FROM "index" WHERE "user" = ?"#, [name])
            try await db.execute(#"DELETE FROM token WHERE "user" = ?"#, [name])
            try await db.execute(#"DELETE FROM "user" WHERE name = ?"#, [name])
            try await db.bumpGeneration(.everything)
        }
    }

    /// Refuses when another index serves one of `deleted` through its bases, naming every such index.
    private static func refuseIfBase(of deleted: [IndexID], _ db: any SQLSession) async throws {
        var users: [IndexID: [IndexID]] = [:]
        for record in try await db.records(CatalogRecords.Index.self, #"SELECT path, settings FROM "index""#) {
            let (path, settings) = try record.value
            guard !deleted.contains(path) else { continue }
            for base in settings.bases where deleted.contains(base) { users[base, default: []].append(path) }
        }
        guard let base = users.keys.sorted(by: { $0.description < $1.description }).first, let dependents = users[base] else { return }
        let names = dependents.map(\.description).sorted().joined(separator: ", ")
        throw StoreError.conflict("\(base) is a base of \(names): change their bases first")
    }

    public func isBuilder(_ name: String) async throws -> Bool {
        try await read { db in try await db.value(#"SELECT builder FROM "user" WHERE name = ?"#, [name]) ?? false }
    }

    public func users() async throws -> [String] {
        try await read { db in try await db.values(#"SELECT name FROM "user" ORDER BY name"#) }
    }

    public func createToken(id: String, user: String, secretHash: String, indices: [IndexID]?, readOnly: Bool = false) async throws {
        let scope = try indices.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await write { db in
            try await db.execute(#"INSERT INTO token (id, "user", secretHash, indices, createdAt, readOnly) VALUES (?, ?, ?, ?, ?, ?)"#,
                           [id, user, secretHash, scope, Date().timeIntervalSince1970, readOnly])
        }
    }

    /// The token's owner, secret hash, index scope (nil: every index the user may use) and
    /// whether it may only read, if it is live.
    public func token(_ id: String) async throws -> (user: String, secretHash: String, indices: [IndexID]?, readOnly: Bool)? {
        try await read { db in
            guard let token = try await db.record(CatalogRecords.Token.self, "SELECT \(CatalogRecords.Token.columns()) FROM token WHERE id = ? AND revokedAt IS NULL", [id]) else {
                return nil
            }
            return (token.user, token.secretHash, try token.scope, token.readOnly)
        }
    }

    /// The live tokens of `user` (of everyone when nil), oldest first.
    public func tokens(of user: String?) async throws -> [TokenSummary] {
        try await read { db in
            try await db.records(CatalogRecords.Token.self, """
                SELECT \(CatalogRecords.Token.columns()) FROM token
                WHERE revokedAt IS NULL\(user == nil ? "" : #" AND "user" = ?"#) ORDER BY createdAt, id
                """, user.map { [$0] } ?? []).map { try $0.value }
        }
    }

    public func markTokenUsed(_ id: String, at time: Double) async throws {
        try await write { db in try await db.execute("UPDATE token SET lastUsedAt = ? WHERE id = ?", [time, id]) }
    }

    /// The owner of a token, live or revoked.
    public func tokenOwner(_ id: String) async throws -> String? {
        try await read { db in try await db.value(#"SELECT "user" FROM token WHERE id = ?"#, [id]) }
    }

    public func revokeToken(_ id: String) async throws {
        try await write { db in
            try await db.execute("UPDATE token SET revokedAt = ? WHERE id = ?", [Date().timeIntervalSince1970, id])
        }
    }

    // MARK: Indices

    public func createIndex(_ path: IndexID, settings: IndexSettings) async throws {
        try await write { db in
            guard try await db.exists(#"SELECT 1 FROM "user" WHERE name = ?"#, [path.user]) else {
                throw StoreError.notFound("user \(path.user) does not exist")
            }
            if try await db.exists(#"SELECT 1 FROM "index" WHERE path = ?"#, [path.description]) {
                throw StoreError.conflict("index \(path) already exists")
            }
            try await Self.checkBases(settings.bases, of: path, db)
            try await db.execute(#"INSERT INTO "index" VALUES (?, ?, ?, ?)"#,
                           [path.description, path.user, try Self.encode(settings), Date().timeIntervalSince1970])
            try await db.bumpGeneration(.everything)
        }
    }

    /// Changes bases and the upload ACL. `volatile` may go from true to false, never back once
    /// the index holds files.
    public func updateIndex(_ path: IndexID, _ change: (inout IndexSettings) -> Void) async throws -> IndexSettings {
        try await write { db in
            guard var settings = try await Self.settings(of: path, db) else { throw StoreError.notFound("index \(path) does not exist") }
            let before = settings
            change(&settings)
            if !before.volatile && settings.volatile, try await db.exists("SELECT 1 FROM file WHERE indexPath = ? LIMIT 1", [path.description]) {
                throw StoreError.conflict("index \(path) holds files and is non-volatile: it cannot become volatile")
            }
            try await Self.checkBases(settings.bases, of: path, db)
            try await db.execute(#"UPDATE "index" SET settings = ? WHERE path = ?"#, [try Self.encode(settings), path.description])
            try await db.bumpGeneration(.everything)
            return settings
        }
    }

    public func settings(of path: IndexID) async throws -> IndexSettings? {
        try await read { db in try await Self.settings(of: path, db) }
    }

    public func indices() async throws -> [(path: IndexID, settings: IndexSettings)] {
        try await read { db in
            try await db.records(CatalogRecords.Index.self, #"SELECT path, settings FROM "index" ORDER BY path"#).map { try $0.value }
        }
    }

    /// The index and its bases, depth first in order, each once: where the simple API looks.
    public func resolutionOrder(of path: IndexID) async throws -> [IndexID] {
        try await read { db in try await Self.resolutionOrder(of: path, db) }
    }

    static func resolutionOrder(of path: IndexID, _ db: any SQLSession) async throws -> [IndexID] {
        var order: [IndexID] = []
        func visit(_ index: IndexID) async throws {
            guard !order.contains(index), let settings = try await Self.settings(of: index, db) else { return }
            order.append(index)
            for base in settings.bases { try await visit(base) }
        }
        try await visit(path)
        return order
    }

    static func settings(of path: IndexID, _ db: any SQLSession) async throws -> IndexSettings? {
        guard let json: String = try await db.value(#"SELECT settings FROM "index" WHERE path = ?"#, [path.description]) else { return nil }
        return try decodeSettings(json)
    }

    /// Settings by their stored JSON: an index's settings are read several times per upload, and
    /// Foundation's decoder costs ~50k instructions a time. Keyed by the text itself, so a
    /// change made by any replica is a new key, never a stale answer.
    static func decodeSettings(_ json: String) throws -> IndexSettings {
        if let known = decodedSettings.withLock({ $0[json] }) { return known }
        let settings = try JSONDecoder().decode(IndexSettings.self, from: Data(json.utf8))
        decodedSettings.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[json] = settings
        }
        return settings
    }

    private static let decodedSettings = Mutex<[String: IndexSettings]>([:])

    private static func checkBases(_ bases: [IndexID], of path: IndexID, _ db: any SQLSession) async throws {
        for base in bases {
            if base == path { throw StoreError.badRequest("index \(path) cannot be its own base") }
            guard try await settings(of: base, db) != nil else { throw StoreError.badRequest("base index \(base) does not exist") }
        }
        // A cycle through other indices: a depth-first walk from each base back to `path`.
        func walk(_ index: IndexID, _ trail: [IndexID]) async throws {
            if index == path {
                throw StoreError.badRequest("bases would make a cycle: \(([path] + trail).map(\.description).joined(separator: " → "))")
            }
            guard trail.count < 64, let settings = try await settings(of: index, db) else { return }
            for base in settings.bases where !trail.dropLast().contains(base) { try await walk(base, trail + [base]) }
        }
        for base in bases {
            guard let settings = try await settings(of: base, db) else { continue }
            for next in settings.bases { try await walk(next, [base, next]) }
        }
    }

    private static func encode(_ settings: IndexSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }

    // MARK: Files

    /// Records an uploaded file. A file of the same identity (DistributionIdentity: however its
    /// name is spelled) and the same bytes: nothing changes. Different bytes on a non-volatile
    /// index: a conflict ("already exists"); on a volatile one, the old file is replaced.
    /// `placing` puts the file's blobs in place once the file is to be recorded, inside the
    /// transaction, so that a collection of unreferenced blobs never sees them unrecorded.
    /// `identity` is the filename's, when the caller has it already (parsing a name costs).
    public func addFile(_ file: StoredFile, identity known: String? = nil, metadata: [UInt8]? = nil,
                        placing: @escaping () throws -> Void = {}) async throws -> UploadOutcome {
        let results = try await addFiles([NewFile(file, identity: known, metadata: metadata, placing: placing)])
        guard let result = results.first else { throw StoreError(.internalError, "a file was recorded without an outcome") }
        return try result.get()
    }

    /// A file to record with others in one transaction (`addFiles`).
    public struct NewFile {
        let file: StoredFile
        let identity: String
        let metadata: [UInt8]?
        /// Its search texts, when the upload has parsed its metadata already (else read from `metadata`).
        let search: SearchDocument?
        let placing: () throws -> Void

        public init(_ file: StoredFile, identity: String? = nil, metadata: [UInt8]? = nil, placing: @escaping () throws -> Void = {}) {
            self.init(file, identity: identity, metadata: metadata, search: nil, placing: placing)
        }

        init(_ file: StoredFile, identity: String?, metadata: [UInt8]?, search: SearchDocument?, placing: @escaping () throws -> Void) {
            (self.file, self.metadata, self.search, self.placing) = (file, metadata, search, placing)
            self.identity = identity ?? Catalog.identity(of: file.filename)
        }
    }

    /// Records several files in one write transaction (a group commit: one lock, one commit,
    /// one generation step for all). Each file gets its own outcome: one an index refuses does
    /// not stop the others, and a later file sees the earlier ones (two uploads of one name in
    /// a batch: the second is judged against the first). `beforeCommit` runs after every blob
    /// is in place and before the rows become durable (the uploads' folder fsyncs). A database
    /// or blob error fails the whole batch.
    public func addFiles(_ files: [NewFile], beforeCommit: () async throws -> Void = {}) async throws -> [Result<UploadOutcome, StoreError>] {
        try await write { db in
            var results: [Result<UploadOutcome, StoreError>] = []
            var touched = Set<IndexID>()
            for new in files {
                let file = new.file
                var replacing = false
                do {
                    guard let settings = try await Self.settings(of: file.index, db) else { throw StoreError.notFound("index \(file.index) does not exist") }
                    if let existing = try await Self.file(sameAs: new.identity, filename: file.filename, in: file.index, db) {
                        if existing.sha256 == file.sha256 {
                            results.append(.success(.alreadyPresent(existing)))
                            continue
                        }
                        guard settings.volatile else { throw StoreError.alreadyExists(file.filename, as: existing.filename, in: file.index) }
                        replacing = true
                    }
                    if let refusal = try await Self.standing(of: file.project, in: file.index, db).uploadRefusal(file.filename) { throw refusal }
                } catch let refusal as StoreError where refusal.kind != .internalError && refusal.kind != .unavailable {
                    results.append(.failure(refusal))
                    continue
                }
                if replacing {
                    // Test results were of the bytes replaced.
                    try await db.execute("DELETE FROM toxresult WHERE indexPath = ? AND filename IN (SELECT filename FROM file WHERE indexPath = ? AND (filename = ? OR identity = ?))",
                                   [file.index.description, file.index.description, file.filename, new.identity])
                    try await db.execute("DELETE FROM file WHERE indexPath = ? AND (filename = ? OR identity = ?)",
                                   [file.index.description, file.filename, new.identity])
                }
                try new.placing()
                try await db.execute("""
                    INSERT INTO file (indexPath, filename, project, version, kind, sha256, size, uploadTime, uploader, requiresPython,
                        yanked, yankReason, metadataSHA256, provenance, metadata, buildLogSHA256, buildLogSize, identity, history)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [
                        file.index.description, file.filename, file.project, file.version, file.kind.rawValue, file.sha256,
                        file.size, file.uploadTime, file.uploader, file.requiresPython, file.yanked, file.yankReason,
                        file.metadataSHA256, file.provenance?.json, new.metadata, file.buildLog?.digest.hex, file.buildLog?.size, new.identity,
                        try FileEvent.encoded(file.history),
                    ])
                try await Self.indexForSearch(file, document: new.search ?? SearchDocument(version: file.version, metadata: new.metadata), db)
                results.append(.success(.stored(file)))
                touched.insert(file.index)
            }
            if !touched.isEmpty {
                try await beforeCommit()
                try await db.bumpGeneration(.indices(touched))
            }
            return results
        }
    }

    public func file(_ index: IndexID, _ filename: String) async throws -> StoredFile? {
        try await read { db in try await Self.file(index, filename, db) }
    }

    /// The file of `index` with this filename or, failing that, with the same identity.
    public func file(sameAs filename: String, identity known: String? = nil, in index: IndexID) async throws -> StoredFile? {
        let identity = known ?? Self.identity(of: filename)
        return try await read { db in try await Self.file(sameAs: identity, filename: filename, in: index, db) }
    }

    /// One statement (each is a round trip on PostgreSQL, and an upload asks twice) of two
    /// indexed look-ups, the exact name first: an `OR` of the two would let SQLite scan the
    /// index's files instead (measured: +5% of an upload's instructions).
    private static func file(sameAs identity: String, filename: String, in index: IndexID, _ db: any SQLSession) async throws -> StoredFile? {
        try await db.record(CatalogRecords.File.self, """
            SELECT \(CatalogRecords.File.columns()), 0 AS preference FROM file WHERE indexPath = ? AND filename = ?
            UNION ALL SELECT \(CatalogRecords.File.columns()), 1 FROM file WHERE indexPath = ? AND identity = ?
            ORDER BY preference LIMIT 1
            """, [index.description, filename, index.description, identity])?.value
    }

    /// A project's files across `indices` (in resolution order); for one filename the first index wins.
    public func files(of project: String, in indices: [IndexID]) async throws -> [StoredFile] {
        try await read { db in try await Self.files(of: project, in: indices, db) }
    }

    /// One statement whatever the number of indices (on PostgreSQL each is a round trip), put
    /// in resolution order here.
    static func files(of project: String, in indices: [IndexID], _ db: any SQLSession) async throws -> [StoredFile] {
        guard !indices.isEmpty else { return [] }
        let records = try await db.records(CatalogRecords.File.self, """
            SELECT \(CatalogRecords.File.columns()) FROM file WHERE project = ? AND indexPath IN (\(placeholders(indices.count))) ORDER BY filename
            """, [project] + indices.map(\.description))
        return try inResolutionOrder(records.map { try $0.value }, indices)
    }

    /// `files` (in filename order) by their index's place in `indices`, each filename once: the
    /// first index that holds it wins.
    static func inResolutionOrder(_ files: [StoredFile], _ indices: [IndexID]) -> [StoredFile] {
        let position = Dictionary(indices.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        return files.enumerated().sorted { (position[$0.element.index] ?? 0, $0.offset) < (position[$1.element.index] ?? 0, $1.offset) }
            .compactMap { seen.insert($0.element.filename).inserted ? $0.element : nil }
    }

    /// The normalized project names across `indices`, sorted.
    public func projects(in indices: [IndexID]) async throws -> [String] {
        guard !indices.isEmpty else { return [] }
        return try await read { db in
            try await db.values("SELECT DISTINCT project FROM file WHERE indexPath IN (\(placeholders(indices.count))) ORDER BY project",
                          indices.map(\.description))
        }
    }

    /// Removes a release's files (or, with no version, the whole project's) from a volatile
    /// index; their blobs go at the next collection, once nothing refers to them. A
    /// non-volatile index refuses: yank instead.
    public func deleteFiles(_ index: IndexID, project: String, version: String?) async throws -> Int {
        try await write { db in
            guard let settings = try await Self.settings(of: index, db) else { throw StoreError.notFound("index \(index) does not exist") }
            guard settings.volatile else {
                // What the remover wanted, done the non-volatile way: the command for each file, or for the project.
                let filenames: [String] = try await db.values(
                    "SELECT filename FROM file WHERE indexPath = ? AND project = ?\(version == nil ? "" : " AND version = ?") ORDER BY filename LIMIT 3",
                    [index.description, project] + (version.map { [$0] } ?? []))
                let yanks = filenames.map { "wheelwright yank \(index) \($0) --reason TEXT" }
                throw StoreError.forbidden("\(index) is non-volatile: files are never deleted. To keep installers from them, yank each file (pip skips a yanked file unless pinned)"
                    + (yanks.isEmpty ? ": wheelwright yank \(index) FILENAME --reason TEXT" : ": " + yanks.joined(separator: "; ") + (filenames.count == 3 ? "; …" : ""))
                    + "; to withdraw \(project) from \(index) at once: wheelwright status \(project) quarantined --index \(index) --reason TEXT")
            }
            let removed: Int
            if let version {
                removed = try await db.changes("DELETE FROM file WHERE indexPath = ? AND project = ? AND version = ?", [index.description, project, version])
                try await db.execute("DELETE FROM doc WHERE indexPath = ? AND project = ? AND version = ?", [index.description, project, version])
                try await db.execute("DELETE FROM toxresult WHERE indexPath = ? AND project = ? AND version = ?", [index.description, project, version])
            } else {
                removed = try await db.changes("DELETE FROM file WHERE indexPath = ? AND project = ?", [index.description, project])
                try await db.execute("DELETE FROM doc WHERE indexPath = ? AND project = ?", [index.description, project])
                try await db.execute("DELETE FROM toxresult WHERE indexPath = ? AND project = ?", [index.description, project])
            }
            guard removed > 0 else { throw StoreError.notFound("\(project) \(version ?? "") is not in \(index)") }
            try await Self.reindexForSearch(project, in: index, db)
            try await db.bumpGeneration(.indices([index]))
            return removed
        }
    }

    public func setYanked(_ index: IndexID, _ filename: String, yanked: Bool, reason: String?) async throws -> StoredFile {
        try await write { db in
            guard try await Self.file(index, filename, db) != nil else { throw StoreError.notFound("\(filename) is not in \(index)") }
            try await db.execute("UPDATE file SET yanked = ?, yankReason = ? WHERE indexPath = ? AND filename = ?",
                           [yanked, yanked ? reason : nil, index.description, filename])
            try await db.bumpGeneration(.indices([index]))
            guard let file = try await Self.file(index, filename, db) else { throw StoreError.notFound("\(filename) is not in \(index)") }
            return file
        }
    }

    /// The core metadata file of a stored distribution (PEP 658), if it has one.
    public func coreMetadata(_ index: IndexID, _ filename: String) async throws -> [UInt8]? {
        try await read { db in
            try await db.row("SELECT metadata FROM file WHERE indexPath = ? AND filename = ?", [index.description, filename])?["metadata"]
        }
    }

    /// Answers a trivial query: the catalog can be read.
    public func ping() async throws {
        _ = try await read { db in try await db.value("SELECT 1") as Int64? }
    }

    /// Every blob the catalog names with the size it must have: files and their build logs.
    public func blobReferences() async throws -> [BlobReference] {
        try await read { db in
            try await db.records(CatalogRecords.Blob.self, """
                SELECT sha256 AS digest, size FROM file
                UNION SELECT buildLogSHA256, buildLogSize FROM file WHERE buildLogSHA256 IS NOT NULL
                UNION SELECT sha256, size FROM doc
                """).compactMap(\.value)
        }
    }

    public func referencedBlobs() async throws -> ReferencedBlobs {
        try await read { db in try await Self.referencedBlobs(db) }
    }

    private static func referencedBlobs(_ db: any SQLSession) async throws -> ReferencedBlobs {
        var referenced = ReferencedBlobs()
        try await db.forEachRow("SELECT sha256 FROM file UNION ALL SELECT buildLogSHA256 FROM file WHERE buildLogSHA256 IS NOT NULL UNION ALL SELECT sha256 FROM doc", []) { row in
            referenced.insert(hex: try row.first())
        }
        return referenced
    }

    /// Runs `body` with the blobs the catalog names, inside a write transaction: no file is
    /// recorded by any process meanwhile, so a blob `body` finds unnamed (and old enough not
    /// to be an upload about to be recorded) is garbage everywhere.
    public func whileNoFileIsRecorded<T>(_ body: (ReferencedBlobs) throws -> T) async throws -> T {
        try await write { db in try body(try await Self.referencedBlobs(db)) }
    }

    /// Per index: its number of projects and files and its last upload.
    public func indexStatistics() async throws -> [IndexID: IndexStatistics] {
        try await read { db in
            var result: [IndexID: IndexStatistics] = [:]
            for row in try await db.rows("SELECT indexPath, COUNT(DISTINCT project) AS projects, COUNT(*) AS files, MAX(uploadTime) AS last FROM file GROUP BY indexPath") {
                let statistics = try CatalogRecords.Statistics(row: row)
                guard let path = try? IndexID(statistics.indexPath ?? "") else { continue }
                result[path] = statistics.value
            }
            return result
        }
    }

    /// The size of what `indices` (an aggregation index's resolution order) serve together: each
    /// project once, each filename once, as their pages list them.
    public func statistics(across indices: [IndexID]) async throws -> IndexStatistics {
        guard !indices.isEmpty else { return .empty }
        return try await read { db in
            try await db.record(CatalogRecords.Statistics.self,
                                "SELECT COUNT(DISTINCT project) AS projects, COUNT(DISTINCT filename) AS files, MAX(uploadTime) AS last FROM file WHERE indexPath IN (\(placeholders(indices.count)))",
                                indices.map(\.description))?.value ?? .empty
        }
    }

    /// One page of the projects across `indices` whose name contains `filter`, by name, and how
    /// many match in all. The page's names come from the (indexPath, project) index alone; only
    /// those names' rows are read for their counts, so the last page of 100,000 costs as the first.
    public func projectSummaries(in indices: [IndexID], containing filter: String, limit: Int, offset: Int) async throws -> (page: [ProjectSummary], total: Int) {
        guard !indices.isEmpty else { return ([], 0) }
        return try await read { db in
            var arguments: [any SQLConvertible] = indices.map(\.description)
            var condition = "indexPath IN (\(placeholders(indices.count)))"
            if !filter.isEmpty {
                condition += " AND project LIKE ? ESCAPE '\\'"
                arguments.append(Self.containing(filter))
            }
            let total: Int = try await db.value("SELECT COUNT(DISTINCT project) FROM file WHERE \(condition)", arguments) ?? 0
            let names: [String] = try await db.values("SELECT DISTINCT project FROM file WHERE \(condition) ORDER BY project LIMIT ? OFFSET ?",
                                                arguments + [limit, offset])
            guard !names.isEmpty else { return ([], total) }
            let page = try await db.records(CatalogRecords.Summary.self, """
                SELECT project, COUNT(*) AS files, MAX(uploadTime) AS last, \(db.dialect.distinctList("version")) AS versions
                FROM file WHERE indexPath IN (\(placeholders(indices.count))) AND project IN (\(placeholders(names.count)))
                GROUP BY project ORDER BY project
                """, indices.map(\.description) + names).map(\.value)
            return (page, total)
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

    // MARK: Build runs and leases

    /// Records a build run's report (JSON, without its logs) with its digest and its items'
    /// logs; returns its number.
    public func addBuildRun(reporter: String, report: String, digest: RunDigest, logs: [String: String]) async throws -> Int64 {
        try await write { db in
            guard let run: Int64 = try await db.value("INSERT INTO build_run (reportedAt, reporter, report) VALUES (?, ?, ?) RETURNING id",
                                                [Date().timeIntervalSince1970, reporter, report]) else {
                throw StoreError(.internalError, "the catalog gave the new run no number")
            }
            try await Self.record(digest, run: run, db)
            try await Self.recordLogs(logs, run: run, db)
            try await db.bumpGeneration(.everything)
            return run
        }
    }

    /// A run's counts on its row, and its coverage cells over those of earlier runs.
    /// `buildTools: false` for the catalogs of migration v8, before v12 added the `tool` columns.
    static func record(_ digest: RunDigest, run: Int64, _ db: any SQLSession, buildTools: Bool = true) async throws {
        try await db.execute("UPDATE build_run SET built = ?, failed = ?, skipped = ?, cancelled = ?, seconds = ?, runID = ? WHERE id = ?",
                       [digest.built, digest.failed, digest.skipped, digest.cancelled, digest.seconds, digest.runID, run])
        for (position, entry) in digest.items.enumerated() {
            let columns = #"run, position, project, version, target, python, status, seconds, wheel, "index", reason, logItem"#
            try await db.execute("INSERT INTO run_item (\(columns)\(buildTools ? ", tool" : "")) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?\(buildTools ? ", ?" : ""))",
                           [run, position, entry.project, entry.version, entry.target, entry.python, entry.status, entry.seconds,
                            entry.wheel, entry.index, entry.reason, entry.logItem] + (buildTools ? [entry.tool] : []))
        }
        for cell in digest.cells {
            try await db.execute("""
                INSERT INTO coverage (project, target, status, versions, reason, logItem, run\(buildTools ? ", tool" : ""))
                VALUES (?, ?, ?, ?, ?, ?, ?\(buildTools ? ", ?" : "")) ON CONFLICT (project, target) DO UPDATE SET
                status = excluded.status, versions = excluded.versions, reason = excluded.reason, logItem = excluded.logItem, run = excluded.run\(
                    buildTools ? ", tool = CASE WHEN excluded.tool = 1 OR coverage.tool = 1 THEN 1 ELSE 0 END" : "")
                """, [cell.project, cell.target, cell.status.rawValue, cell.versions, cell.reason, cell.logItem, run] + (buildTools ? [cell.tool] : []))
        }
    }

    /// A run's logs, one row per item (id → the tail of its log).
    static func recordLogs(_ logs: [String: String], run: Int64, _ db: any SQLSession) async throws {
        // PostgreSQL's TEXT cannot hold a NUL, which a build's output can: it becomes U+FFFD
        // (a log's URL cannot name one: a control character in a path is a 400).
        for (item, log) in logs.sorted(by: { $0.key < $1.key }) {
            try await db.execute("INSERT INTO run_log VALUES (?, ?, ?)",
                           [run, item.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"), log.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")])
        }
    }

    /// The build run that published each wheel of `project` (its latest), keyed `INDEX/FILENAME`.
    public func publishingRuns(of project: String) async throws -> [String: Int64] {
        try await read { db in
            var runs: [String: Int64] = [:]
            let built = try await db.records(CatalogRecords.Item.self, """
                SELECT \(CatalogRecords.Item.columns()) FROM run_item WHERE project = ? AND status = 'built' AND wheel IS NOT NULL
                """, [project])
            for item in built {
                guard let index = item.index, let wheel = item.wheel else { continue }
                runs["\(index)/\(wheel)"] = max(runs["\(index)/\(wheel)"] ?? 0, item.run)
            }
            return runs
        }
    }

    /// The log run `run` reported for item `item`, if any.
    public func runLog(run: Int64, item: String) async throws -> String? {
        try await read { db in try await db.value("SELECT log FROM run_log WHERE run = ? AND item = ?", [run, item]) }
    }

    /// Takes or renews lease `name` for `owner` until `now + seconds`; returns the lease that
    /// stands in the way instead when another owner holds it or one that overlaps (`all`
    /// overlaps every share), unexpired. One transaction: two callers never both win.
    public func acquireLease(_ name: String, owner: String, user: String, seconds: Int, now: Double = Date().timeIntervalSince1970)
        async throws -> (granted: Bool, lease: BuildLease) {
        try await write { db in
            try await db.execute("DELETE FROM lease WHERE expiresAt <= ?", [now])
            let condition = name == "all" ? "" : "(name = ? OR name = 'all') AND "
            let arguments: [any SQLConvertible] = name == "all" ? [owner] : [name, owner]
            if let holder = try await db.record(CatalogRecords.Lease.self, "SELECT \(CatalogRecords.Lease.columns()) FROM lease WHERE \(condition)owner <> ?", arguments) {
                return (false, holder.value)
            }
            let lease = BuildLease(name: name, owner: owner, expires: now + Double(seconds))
            try await db.execute("""
                INSERT INTO lease VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET
                owner = excluded.owner, "user" = excluded."user", expiresAt = excluded.expiresAt
                """, [name, owner, user, lease.expires])
            return (true, lease)
        }
    }

    /// Ends lease `name` if `owner` holds it; false when it does not.
    public func releaseLease(_ name: String, owner: String) async throws -> Bool {
        try await write { db in try await db.changes("DELETE FROM lease WHERE name = ? AND owner = ?", [name, owner]) > 0 }
    }

    /// The counts of the latest `limit` runs (or of run `only`), newest first.
    public func runTotals(limit: Int, only: Int64? = nil) async throws -> [RunTotals] {
        try await read { db in
            try await db.records(CatalogRecords.Totals.self, """
                SELECT \(CatalogRecords.Totals.columns()) FROM build_run
                \(only == nil ? "" : "WHERE id = ?") ORDER BY id DESC LIMIT ?
                """, (only.map { [$0] } ?? []) + [limit]).map(\.value)
        }
    }

    /// The items of the given runs (of those with one of `statuses` when given), in each run's order.
    public func runItems(of runs: [Int64], statuses: [String]? = nil) async throws -> [RunItem] {
        guard !runs.isEmpty else { return [] }
        return try await read { db in
            var arguments: [any SQLConvertible] = runs
            var filter = ""
            if let statuses {
                filter = " AND status IN (\(placeholders(statuses.count)))"
                arguments += statuses as [any SQLConvertible]
            }
            return try await db.records(CatalogRecords.Item.self,
                                        "SELECT \(CatalogRecords.Item.columns()) FROM run_item WHERE run IN (\(placeholders(runs.count)))\(filter) ORDER BY run DESC, position",
                                        arguments).map(\.value)
        }
    }

    /// Every (project, target) any run planned, by project then target.
    public func coverage() async throws -> [CoverageCell] {
        try await read { db in
            try await db.records(CatalogRecords.Coverage.self, "SELECT \(CatalogRecords.Coverage.columns()) FROM coverage ORDER BY project, target").map(\.value)
        }
    }

    /// One build run by its number.
    public func buildRun(_ id: Int64) async throws -> ReportedRun? {
        try await read { db in try await db.record(CatalogRecords.Run.self, "SELECT \(CatalogRecords.Run.columns()) FROM build_run WHERE id = ?", [id])?.value }
    }

    /// The newest build runs first.
    public func buildRuns(limit: Int) async throws -> [ReportedRun] {
        try await read { db in
            try await db.records(CatalogRecords.Run.self, "SELECT \(CatalogRecords.Run.columns()) FROM build_run ORDER BY id DESC LIMIT ?", [limit]).map(\.value)
        }
    }

    /// Every file of every index, by index and filename.
    public func everyFile() async throws -> [StoredFile] {
        try await read { db in try await db.records(CatalogRecords.File.self, "SELECT \(CatalogRecords.File.columns()) FROM file ORDER BY indexPath, filename").map { try $0.value } }
    }

    /// Every file of one index (not its bases), by filename.
    public func files(in index: IndexID) async throws -> [StoredFile] {
        try await read { db in
            try await db.records(CatalogRecords.File.self, "SELECT \(CatalogRecords.File.columns()) FROM file WHERE indexPath = ? ORDER BY filename", [index.description]).map { try $0.value }
        }
    }

    /// A number that changes with every write, by any process on the catalog: the server's
    /// cache key and ETag seed.
    public func generation() async throws -> Int64 { try await database.generation() }

    /// The generation when known without a query (`CatalogDatabase.knownGeneration`).
    public var knownGeneration: Int64? { database.knownGeneration }

    /// What each recent generation step changed: whether a kept page is still current.
    public var changes: CatalogChanges { database.changes }

    static func file(_ index: IndexID, _ filename: String, _ db: any SQLSession) async throws -> StoredFile? {
        try await db.record(CatalogRecords.File.self, "SELECT \(CatalogRecords.File.columns()) FROM file WHERE indexPath = ? AND filename = ?", [index.description, filename])?.value
    }
}
