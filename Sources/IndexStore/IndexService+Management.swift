import Foundation
import IndexAPI
import PythonPackaging

/// devpi's management operations, each with its rules: who may (through `authorize`), what a
/// valid value is, and what changes. The server parses the request and shapes the answer.
extension IndexService {
    /// A password is text of 1 to 1,024 bytes (the derivation's cost grows with nothing else).
    static func checkPassword(_ password: String) throws(StoreError) {
        guard (1...1024).contains(password.utf8.count) else { throw .badRequest("password: use 1 to 1,024 bytes") }
    }

    public func createUser(_ name: String, password: String?, builder: Bool, email: String? = nil, by identity: Identity?) async throws {
        try await authorize(identity, .createUser(name))
        guard let password, !password.isEmpty else { throw StoreError.badRequest("password: a new user needs {\"password\": \"…\"}") }
        try Self.checkPassword(password)
        try Self.checkEmail(email)
        try await catalog.createUser(name, passwordHash: try PasswordHasher.hash(password), builder: builder, email: email)
    }

    /// An email is a line of at most 254 bytes with an `@` (devpi keeps it as given).
    static func checkEmail(_ email: String?) throws(StoreError) {
        guard let email else { return }
        guard (3...254).contains(email.utf8.count), email.contains("@"), !email.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw .badRequest("email: give an address like name@example.com (at most 254 bytes)")
        }
    }

    /// Deletes a user, with their indices (only volatile ones: devpi's rule) and tokens; root is never deleted.
    public func deleteUser(_ name: String, by identity: Identity?) async throws {
        try await authorize(identity, .deleteUser(name))
        guard name != "root" else { throw StoreError.forbidden("root is never deleted") }
        try await catalog.deleteUser(name)
        authenticator.forget()
    }

    /// Deletes a volatile index and its files (a non-volatile one is kept: 403).
    public func deleteIndex(_ index: IndexID, by identity: Identity?) async throws {
        try await authorize(identity, .deleteIndex(index))
        try await catalog.deleteIndex(index)
    }

    /// Changes a user's password or builder flag; only root may set the flag. A new password
    /// takes effect at once: remembered logins are forgotten.
    public func updateUser(_ name: String, password: String?, builder: Bool?, email: String? = nil, by identity: Identity?) async throws {
        try await authorize(identity, .modifyUser(name))
        if builder != nil, identity?.isRoot != true { throw StoreError.forbidden("builder: only root may mark a user as a builder") }
        if let password { try Self.checkPassword(password) }
        try Self.checkEmail(email)
        try await catalog.updateUser(name, passwordHash: try password.map(PasswordHasher.hash), builder: builder, email: email)
        if password != nil { authenticator.forget() }
    }

    /// Sets a user's password from the machine the data directory is on, with no login: the way
    /// back for a lost root password, and for users imported without one. Ends their sessions.
    public func resetPassword(of name: String, to password: String) async throws {
        guard try await catalog.userExists(name) else { throw StoreError.notFound("user \(name) does not exist (users: \(try await catalog.users().joined(separator: ", ")))") }
        try Self.checkPassword(password)
        try await catalog.updateUser(name, passwordHash: try PasswordHasher.hash(password), builder: nil)
        authenticator.forget()
    }

    public func createIndex(_ index: IndexID, settings: IndexSettings, by identity: Identity?) async throws {
        try await authorize(identity, .createIndex(index))
        try await catalog.createIndex(index, settings: settings)
    }

    public func updateIndex(_ index: IndexID, by identity: Identity?, _ change: (inout IndexSettings) -> Void) async throws -> IndexSettings {
        try await authorize(identity, .modifyIndex(index))
        return try await catalog.updateIndex(index, change)
    }

    /// A new token for the caller, limited to `scope` when given; its secret is shown once.
    public func createToken(scope: [IndexID]?, readOnly: Bool = false, by identity: Identity) async throws -> (id: String, token: String) {
        try await authorize(identity, .createToken(scope: scope))
        let (id, secret, token) = APIToken.make()
        try await catalog.createToken(id: id, user: identity.user, secretHash: APIToken.secretHash(secret), indices: scope, readOnly: readOnly)
        return (id, token)
    }

    /// The live tokens of `user` (default: the caller's own); root may list anyone's.
    public func tokens(of user: String?, by identity: Identity) async throws -> [TokenSummary] {
        let owner = user ?? identity.user
        try await authorize(identity, .listTokens(owner: owner))
        return try await catalog.tokens(of: owner)
    }

    /// A token's owner or root may revoke it, and a token itself; it stops working at once.
    public func revokeToken(_ id: String, by identity: Identity) async throws {
        guard id.utf8.count <= 64, let owner = try await catalog.tokenOwner(id) else { throw StoreError.notFound("no token \(id)") }
        try await authorize(identity, .revokeToken(id: id, owner: owner))
        try await catalog.revokeToken(id)
    }

    public func setYanked(_ filename: String, in index: IndexID, yanked: Bool, reason: String?, by identity: Identity) async throws -> StoredFile {
        try await authorize(identity, .yank(index))
        if let reason, reason.utf8.count > 1024 { throw StoreError.badRequest("reason: at most 1,024 bytes") }
        return try await catalog.setYanked(index, filename, yanked: yanked, reason: reason)
    }

    /// Sets `project`'s status in `index` (PEP 792) as `identity` (the index's owner or root),
    /// recorded with who and when; returns the standing the index serves after it (a base's
    /// stricter status stays in force). The project need not have files there yet: a project
    /// can be quarantined before anything uploads it.
    public func setProjectStatus(_ status: ProjectStatus, reason given: String, of project: String, in index: IndexID,
                                 by identity: Identity?, now: Double = Date().timeIntervalSince1970) async throws -> ProjectStanding {
        try await authorize(identity, .setProjectStatus(index))
        guard let identity else { throw StoreError(.unauthorized, "log in to set a project's status") }
        guard ProjectName.isValid(project) else { throw StoreError.badRequest("'\(project.prefix(100))' is not a valid project name (PEP 508: letters, digits, '.', '-', '_')") }
        let reason: String
        do {
            reason = try ProjectStatusRequest.validatedReason(given)
        } catch {
            throw StoreError.badRequest(error.description)
        }
        let name = ProjectName.normalize(project)
        try await catalog.recordProjectStatus(ProjectStatusChange(index: index, project: name, status: status, reason: reason, user: identity.user, time: now))
        return try await catalog.standing(of: name, in: index, historyLimit: Catalog.historyShown)
    }

    /// devpi's removal of a version, or of a whole project when `version` is nil, for volatile
    /// indices only; returns how many files went.
    public func deleteVersion(_ version: String?, of project: String, in index: IndexID, by identity: Identity) async throws -> Int {
        try await authorize(identity, .deleteVersion(index))
        let canonical = version.map { (try? Version($0).description) ?? $0 }
        return try await catalog.deleteFiles(index, project: ProjectName.normalize(project), version: canonical)
    }

    /// Keeps a build run's report (re-encoded, never the client's bytes) for `/+builds/`, its
    /// items' logs apart from it (each read by its key).
    public func addBuildRun(_ report: PostedRunReport, by identity: Identity) async throws -> Int64 {
        try await authorize(identity, .reportBuild)
        return try await catalog.addBuildRun(reporter: identity.user, report: try CanonicalJSON.string(PostedRunReport(report: report.report, logs: [:])),
                                       digest: RunDigest(report), logs: report.logs)
    }

    /// Takes or renews a build lease (root or a builder); the lease that stands in the way is a 409.
    public func acquireLease(_ name: String, owner: String, seconds: Int, by identity: Identity) async throws -> BuildLease {
        try await authorize(identity, .holdBuildLease)
        guard BuildLease.isValidName(name) else { throw StoreError.badRequest("a lease is 'all' or 'shard-I-of-N' (1 ≤ I ≤ N ≤ 1000), found '\(name)'") }
        guard (1...200).contains(owner.utf8.count), owner.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw StoreError.badRequest("owner: 1 to 200 printable ASCII characters")
        }
        guard (10...3600).contains(seconds) else { throw StoreError.badRequest("seconds: 10 to 3600") }
        let (granted, lease) = try await catalog.acquireLease(name, owner: owner, user: identity.user, seconds: seconds)
        guard granted else {
            let until = Date(timeIntervalSince1970: lease.expires).ISO8601Format()
            throw StoreError.conflict("another wheelwright build holds the lease \(lease.name) (\(lease.owner), until \(until) unless renewed)")
        }
        return lease
    }

    /// Ends a build lease its owner holds.
    public func releaseLease(_ name: String, owner: String, by identity: Identity) async throws {
        try await authorize(identity, .holdBuildLease)
        guard BuildLease.isValidName(name), try await catalog.releaseLease(name, owner: owner) else {
            throw StoreError.notFound("no lease \(name) held by \(owner)")
        }
    }

    /// devpi's `push`: a release's files in `source` (its own, not its bases') added to `target`
    /// by reference (the same blobs), under the target's rules: the caller must be allowed to
    /// upload there, identical bytes already there are no change, other bytes on a non-volatile
    /// target a 409 — checked for every file before any is added; the release's documentation and
    /// the files' test results go with them. Returns each file's outcome.
    public func push(_ project: String, version: String, from source: IndexID, to target: IndexID, by identity: Identity) async throws -> [UploadOutcome] {
        // Copying a release out of an index reads it: a private source is a missing one to whoever may not read it.
        guard let sourceSettings = try await catalog.settings(of: source), Authorization.readRefusal(identity, source, aclRead: sourceSettings.aclRead) == nil else {
            throw Authorization.noIndex(source)
        }
        // What a mirror holds passed its gate when it was fetched; copied into a stage, no gate
        // would judge it again.
        if sourceSettings.isMirror {
            throw StoreError.forbidden("\(source) is a mirror: its files are not pushed (make an index with it as a base instead)")
        }
        try await authorize(identity, .upload(target))
        let name = ProjectName.normalize(project)
        let canonical = (try? Version(version).description) ?? version
        let files = try await catalog.files(of: name, in: [source]).filter { $0.version == canonical }
        guard !files.isEmpty else { throw StoreError.notFound("no release/files found for \(name) \(version) in \(source)") }
        let standing = try await catalog.standing(of: name, in: source)
        if !standing.status.servesFiles, let setting = standing.setting {
            throw StoreError.forbidden("\(name) is quarantined in \(setting.index) (\(setting.reason)): its files are not served, nor pushed")
        }
        let targetVolatile = try await catalog.settings(of: target)?.volatile == true
        for file in files where !targetVolatile {
            if let existing = try await catalog.file(sameAs: file.filename, in: target), existing.sha256 != file.sha256 {
                throw StoreError.alreadyExists(file.filename, as: existing.filename, in: target)
            }
        }
        // The release's documentation goes with it, under the same rule.
        let docs = try await catalog.docs(name, version: canonical, in: [source])
        if let docs, !targetVolatile, let existing = try await catalog.docs(name, version: canonical, in: [target]), existing.sha256 != docs.sha256 {
            throw StoreError.conflict("the documentation of \(name) \(canonical) already exists in \(target) with other content: the index is non-volatile")
        }
        let now = Date().timeIntervalSince1970
        let push = FileEvent(what: .push, who: identity.user, when: now, src: source.description, dst: target.description)
        if let docs {
            try await catalog.addDocs(StoredDocs(index: target, project: name, version: canonical, sha256: docs.sha256, size: docs.size, uploadTime: now,
                                           uploader: identity.user, history: docs.history + [push]))
        }
        var outcomes: [UploadOutcome] = []
        for file in files {
            let copy = StoredFile(
                index: target, filename: file.filename, project: file.project, version: file.version, kind: file.kind,
                sha256: file.sha256, size: file.size, uploadTime: now, uploader: identity.user, requiresPython: file.requiresPython,
                yanked: file.yanked, yankReason: file.yankReason, metadataSHA256: file.metadataSHA256, provenance: file.provenance,
                buildLog: file.buildLog,
                history: file.history + [push]
            )
            outcomes.append(try await catalog.addFile(copy, metadata: try await catalog.coreMetadata(source, file.filename)))
        }
        // And the files' test results, as devpi's push copies them.
        try await catalog.copyToxResults(of: name, filenames: files.map(\.filename), from: source, to: target, limit: Self.maximumToxResultsPerFile,
                                   pusher: identity.user, when: now)
        return outcomes
    }
}
