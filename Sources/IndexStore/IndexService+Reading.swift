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
    public func generation() async throws -> Int64 { try await catalog.generation() }

    /// The generation when known without a query: what a request answered before the async
    /// plumbing may use; nil sends it the long way.
    public var knownGeneration: Int64? { catalog.knownGeneration }

    /// What each generation step changed: a page kept from an older one may still be current.
    public var changes: CatalogChanges { catalog.changes }

    public func userExists(_ name: String) async throws -> Bool { try await catalog.userExists(name) }

    public func users() async throws -> [String] { try await catalog.users() }

    public func email(of user: String) async throws -> String? { try await catalog.email(of: user) }

    public func indices() async throws -> [(path: IndexID, settings: IndexSettings)] { try await catalog.indices() }

    public func settings(of index: IndexID) async throws -> IndexSettings? { try await catalog.settings(of: index) }

    /// The index and its bases, depth first, each once; empty when the index does not exist.
    public func resolutionOrder(of index: IndexID) async throws -> [IndexID] { try await catalog.resolutionOrder(of: index) }

    public func projects(in indices: [IndexID]) async throws -> [String] { try await catalog.projects(in: indices) }

    public func files(of project: String, in indices: [IndexID]) async throws -> [StoredFile] { try await catalog.files(of: project, in: indices) }

    /// The status `index` serves for `project` (PEP 792): its own or a base's, the strictest;
    /// with its latest `historyLimit` changes.
    public func standing(of project: String, in index: IndexID, historyLimit: Int = 0) async throws -> ProjectStanding {
        try await catalog.standing(of: project, in: index, historyLimit: historyLimit)
    }

    /// A project as an index serves it: its standing, and its files through the bases (or its
    /// own only) unless it is quarantined (PEP 792: then none is listed or served). `order` is
    /// the index's resolution order, the index first. `notFound` when the index has neither
    /// files of it nor a status for it.
    public func servedProject(_ project: String, order: [IndexID], ownFilesOnly: Bool = false, historyLimit: Int = 0) async throws -> (standing: ProjectStanding, files: [StoredFile]) {
        guard let index = order.first else { throw StoreError.notFound("no project \(project): no index given") }
        let (standing, files) = try await catalog.servedProject(project, order: order, ownFilesOnly: ownFilesOnly, historyLimit: historyLimit)
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
    public func indices(holding project: String) async throws -> [IndexID] { try await catalog.indices(holding: project) }

    /// The files an index holds itself; `notFound` when there is no such index.
    public func files(in index: IndexID) async throws -> [StoredFile] {
        guard try await catalog.settings(of: index) != nil else { throw StoreError.notFound("no index \(index)") }
        return try await catalog.files(in: index)
    }

    public func file(_ filename: String, in index: IndexID) async throws -> StoredFile? { try await catalog.file(index, filename) }

    public func coreMetadata(of filename: String, in index: IndexID) async throws -> [UInt8]? { try await catalog.coreMetadata(index, filename) }

    /// The core metadata of the first of `files` whose metadata is stored and parses (a release
    /// page's description and requirements); metadata that does not parse is passed over, a
    /// catalog that cannot be read is an error (a page made without it would be kept).
    public func firstMetadata(of files: [StoredFile]) async throws -> CoreMetadata? {
        for file in files {
            guard let bytes = try await catalog.coreMetadata(file.index, file.filename) else { continue }
            if let metadata = try? CoreMetadata(parsing: String(decoding: bytes, as: UTF8.self)) { return metadata }
        }
        return nil
    }

    public func indexStatistics() async throws -> [IndexID: IndexStatistics] { try await catalog.indexStatistics() }

    public func statistics(across indices: [IndexID]) async throws -> IndexStatistics { try await catalog.statistics(across: indices) }

    public func projectSummaries(in indices: [IndexID], containing filter: String, limit: Int, offset: Int) async throws -> (page: [ProjectSummary], total: Int) {
        try await catalog.projectSummaries(in: indices, containing: filter, limit: limit, offset: offset)
    }

    /// Full-text search of the projects in `indices` (nil: all); see `Catalog.search`.
    public func search(_ query: SearchQuery, in indices: [IndexID]?, limit: Int) async throws -> SearchResults {
        try await catalog.search(query, in: indices, limit: limit)
    }

    public func buildRuns(limit: Int) async throws -> [ReportedRun] { try await catalog.buildRuns(limit: limit) }

    /// What keeps this index from serving (the catalog unreadable, the blob store gone), for
    /// `/+health`, so that a proxy takes the replica out; empty when it is healthy.
    public func healthProblems() async -> [String] {
        var problems: [String] = []
        do { try await catalog.ping() } catch { problems.append("catalog: \(error)") }
        if let problem = blobs.unavailability() { problems.append("blob store: \(problem)") }
        return problems
    }

    public func runTotals(limit: Int, only: Int64? = nil) async throws -> [RunTotals] { try await catalog.runTotals(limit: limit, only: only) }

    public func runItems(of runs: [Int64], statuses: [String]? = nil) async throws -> [RunItem] { try await catalog.runItems(of: runs, statuses: statuses) }

    public func coverage() async throws -> [CoverageCell] { try await catalog.coverage() }

    public func buildRun(_ id: Int64) async throws -> ReportedRun? { try await catalog.buildRun(id) }

    public func runLog(run: Int64, item: String) async throws -> String? { try await catalog.runLog(run: run, item: item) }

    public func publishingRuns(of project: String) async throws -> [String: Int64] { try await catalog.publishingRuns(of: project) }

    /// The identity `user` and `password` (or `__token__` and a token) prove, from `address`
    /// (for the login throttle); nil when they prove none.
    public func authenticate(user: String, password: String, from address: String) async throws -> Identity? {
        try await authenticator.authenticate(user: user, password: password, from: address)
    }

    /// devpi's `+login`: a session key for `user` when `password` is theirs (throttled as any
    /// login), nil when it is not.
    public func login(user: String, password: String, from address: String) async throws -> (key: String, expiration: Int)? {
        guard let identity = try await authenticator.authenticate(user: user, password: password, from: address), identity.tokenID == nil,
              let hash = try await catalog.passwordHash(of: identity.user) else { return nil }
        return sessions.issue(user: identity.user, passwordHash: hash, now: Int(Date().timeIntervalSince1970))
    }

    /// The identity an `X-Devpi-Auth` session key proves, or nil.
    public func authenticate(user rawUser: String, session key: String, from address: String) async throws -> Identity? {
        let user = rawUser.lowercased()
        // An HMAC, not a key derivation: throttled per address like a token, nothing in flight to
        // bound, and a bad key never counts against the user it names.
        try authenticator.throttle.refuseKey(address: address)
        guard let hash = try await catalog.passwordHash(of: user),
              sessions.verify(user: user, key: key, passwordHash: hash, now: Int(Date().timeIntervalSince1970)) else {
            authenticator.throttle.keyFailed(address: address)
            return nil
        }
        return Identity(user: user)
    }

    /// The path of a stored blob after its size (and, once per process, its digest) checked.
    public func checkedPath(_ blob: BlobReference) throws -> URL { try blobs.checkedPath(blob) }
}
