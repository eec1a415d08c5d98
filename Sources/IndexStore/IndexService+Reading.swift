import Archives
import Basics
import Crypto
import Foundation
import IndexAPI
import PythonPackaging

/// What the server reads: the only way it sees the catalog, so that another catalog (the
/// PostgreSQL one of the replicas) is a change behind these methods, not in the routes.
extension IndexService {
    /// Changes with every write; pages cached under one generation are current.
    public func generation() throws -> Int64 { try catalog.generation() }

    public func userExists(_ name: String) throws -> Bool { try catalog.userExists(name) }

    public func users() throws -> [String] { try catalog.users() }

    public func email(of user: String) throws -> String? { try catalog.email(of: user) }

    public func indices() throws -> [(path: IndexID, settings: IndexSettings)] { try catalog.indices() }

    public func settings(of index: IndexID) throws -> IndexSettings? { try catalog.settings(of: index) }

    /// The index and its bases, depth first, each once; empty when the index does not exist.
    public func resolutionOrder(of index: IndexID) throws -> [IndexID] { try catalog.resolutionOrder(of: index) }

    public func projects(in indices: [IndexID]) throws -> [String] { try catalog.projects(in: indices) }

    public func files(of project: String, in indices: [IndexID]) throws -> [StoredFile] { try catalog.files(of: project, in: indices) }

    /// The status `index` serves for `project` (PEP 792): its own or a base's, the strictest;
    /// with its latest `historyLimit` changes.
    public func standing(of project: String, in index: IndexID, historyLimit: Int = 0) throws -> ProjectStanding {
        try catalog.standing(of: project, in: index, historyLimit: historyLimit)
    }

    /// A project as `index` serves it: its standing, and its files through the bases unless it
    /// is quarantined (PEP 792: then none is listed or served). `notFound` when the index has
    /// neither files of it nor a status for it.
    public func servedProject(_ project: String, in index: IndexID, order: [IndexID], historyLimit: Int = 0) throws -> (standing: ProjectStanding, files: [StoredFile]) {
        let standing = try catalog.standing(of: project, in: index, historyLimit: historyLimit)
        let files = standing.status.servesFiles ? try catalog.files(of: project, in: order) : []
        guard !files.isEmpty || standing.setting != nil else { throw StoreError.notFound("no project \(project) in \(index) or its bases") }
        return (standing, files)
    }

    /// The CycloneDX SBOM a wheel built here carries (`.dist-info/sboms/wheelwright.cdx.json`,
    /// PEP 770), read from the stored wheel; `notFound` unless its SHA-256 is the one the
    /// provenance recorded.
    public func sbom(of file: StoredFile) throws -> [UInt8] {
        guard let expected = file.provenance?.sbomSHA256, let blob = file.blob,
              let bytes = Self.sbom(inWheel: try blobs.checkedPath(blob).path, filename: file.filename, sha256: expected) else {
            throw StoreError.notFound("no SBOM of this builder for \(file.filename) in \(file.index)")
        }
        return bytes
    }

    /// The wheel's `.dist-info/sboms/wheelwright.cdx.json` when its SHA-256 is `sha256`.
    static func sbom(inWheel path: String, filename: String, sha256: String) -> [UInt8]? {
        guard let wheel = try? WheelFilename(filename) else { return nil }
        let member = "\(wheel.distribution)-\(wheel.versionText).dist-info/sboms/wheelwright.cdx.json"
        var limits = ArchiveLimits()
        limits.maximumMemberSize = maximumSBOMSize
        guard let found = try? ArchiveReader.read(path, format: .zip, limits: limits, where: { $0 == member }).first,
              SHA256.hash(data: found.bytes).hex == sha256 else { return nil }
        return found.bytes
    }

    /// The largest SBOM served (a wheel's lists a few hundred components at most).
    public static let maximumSBOMSize = 4 << 20

    /// Every index that holds files of `project` itself or a status for it.
    public func indices(holding project: String) throws -> [IndexID] { try catalog.indices(holding: project) }

    /// The files an index holds itself; `notFound` when there is no such index.
    public func files(in index: IndexID) throws -> [StoredFile] {
        guard try catalog.settings(of: index) != nil else { throw StoreError.notFound("no index \(index)") }
        return try catalog.files(in: index)
    }

    public func file(_ filename: String, in index: IndexID) throws -> StoredFile? { try catalog.file(index, filename) }

    public func coreMetadata(of filename: String, in index: IndexID) throws -> [UInt8]? { try catalog.coreMetadata(index, filename) }

    public func indexStatistics() throws -> [IndexID: IndexStatistics] { try catalog.indexStatistics() }

    public func statistics(across indices: [IndexID]) throws -> IndexStatistics { try catalog.statistics(across: indices) }

    public func projectSummaries(in indices: [IndexID], containing filter: String, limit: Int, offset: Int) throws -> (page: [ProjectSummary], total: Int) {
        try catalog.projectSummaries(in: indices, containing: filter, limit: limit, offset: offset)
    }

    /// Full-text search of the projects in `indices` (nil: all); see `Catalog.search`.
    public func search(_ query: SearchQuery, in indices: [IndexID]?, limit: Int) throws -> SearchResults {
        try catalog.search(query, in: indices, limit: limit)
    }

    public func buildRuns(limit: Int) throws -> [ReportedRun] { try catalog.buildRuns(limit: limit) }

    /// What keeps this index from serving (the catalog unreadable, the blob store gone), for
    /// `/+health`, so that a proxy takes the replica out; empty when it is healthy.
    public func healthProblems() -> [String] {
        var problems: [String] = []
        do { try catalog.ping() } catch { problems.append("catalog: \(error)") }
        if let problem = blobs.unavailability() { problems.append("blob store: \(problem)") }
        return problems
    }

    public func runTotals(limit: Int, only: Int64? = nil) throws -> [RunTotals] { try catalog.runTotals(limit: limit, only: only) }

    public func runItems(of runs: [Int64], statuses: [String]? = nil) throws -> [RunItem] { try catalog.runItems(of: runs, statuses: statuses) }

    public func coverage() throws -> [CoverageCell] { try catalog.coverage() }

    public func buildRun(_ id: Int64) throws -> ReportedRun? { try catalog.buildRun(id) }

    public func runLog(run: Int64, item: String) throws -> String? { try catalog.runLog(run: run, item: item) }

    public func publishingRuns(of project: String) throws -> [String: Int64] { try catalog.publishingRuns(of: project) }

    /// The identity `user` and `password` (or `__token__` and a token) prove, from `address`
    /// (for the login throttle); nil when they prove none.
    public func authenticate(user: String, password: String, from address: String) async throws -> Identity? {
        try await authenticator.authenticate(user: user, password: password, from: address)
    }

    /// devpi's `+login`: a session key for `user` when `password` is theirs (throttled as any
    /// login), nil when it is not.
    public func login(user: String, password: String, from address: String) async throws -> (key: String, expiration: Int)? {
        guard let identity = try await authenticator.authenticate(user: user, password: password, from: address), identity.tokenID == nil,
              let hash = try catalog.passwordHash(of: identity.user) else { return nil }
        return sessions.issue(user: identity.user, passwordHash: hash, now: Int(Date().timeIntervalSince1970))
    }

    /// The identity an `X-Devpi-Auth` session key proves, or nil.
    public func authenticate(user rawUser: String, session key: String, from address: String) throws -> Identity? {
        let user = rawUser.lowercased()
        // An HMAC, not a key derivation: throttled per address like a token, nothing in flight to
        // bound, and a bad key never counts against the user it names.
        try authenticator.throttle.refuseKey(address: address)
        guard let hash = try catalog.passwordHash(of: user),
              sessions.verify(user: user, key: key, passwordHash: hash, now: Int(Date().timeIntervalSince1970)) else {
            authenticator.throttle.keyFailed(address: address)
            return nil
        }
        return Identity(user: user)
    }

    /// The path of a stored blob after its size (and, once per process, its digest) checked.
    public func checkedPath(_ blob: BlobReference) throws -> URL { try blobs.checkedPath(blob) }
}
