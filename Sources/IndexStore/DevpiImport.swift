import Foundation
import Synchronization
import IndexAPI
import PythonPackaging

/// `wheelwright import-devpi DUMP`: a `devpi-export` dump into this store, idempotently (what is
/// there already is counted, not changed). Users are created without a password (devpi's argon2
/// hashes cannot be verified here) and listed: root gets one from `serve`'s first start, the others
/// from root; every release file goes through the same
/// checks as an upload, against the sha256 the dump records for it, so a file whose bytes do not
/// match is refused and reported.
public struct DevpiImport: Sendable {
    public struct Summary: Sendable, Equatable {
        public var usersCreated = 0
        public var usersExisting = 0
        /// Users created without a password: they cannot log in until they are given one.
        public var withoutPassword: [String] = []
        public var indicesCreated = 0
        public var indicesExisting = 0
        public var filesStored = 0
        public var filesUnchanged = 0
        public var filesYanked = 0
        /// Each file refused, and why.
        public var refused: [String] = []
        /// What was left out on purpose (mirrors, docs, tox results, `:ANONYMOUS:`).
        public var notes: [String] = []

        public init() {}
    }

    let service: IndexService
    let folder: URL

    public init(service: IndexService, dump folder: URL) {
        self.service = service
        self.folder = folder.standardizedFileURL
    }

    /// The dump's `dataindex.json`, at most 1 GiB.
    public func readDump() throws -> DevpiDump {
        let path = folder.appendingPathComponent("dataindex.json")
        let size = (try? FileManager.default.attributesOfItem(atPath: path.path)[.size] as? Int) ?? 0
        guard size > 0, size <= 1 << 30 else { throw StoreError.badRequest("\(path.path): missing or larger than 1 GiB: is this a devpi-export folder?") }
        do {
            return try JSONDecoder().decode(DevpiDump.self, from: Data(contentsOf: path))
        } catch {
            throw StoreError.badRequest("\(path.path) is not a devpi-export dump: \(error)")
        }
    }

    /// One release file done: what it was, whether it was refused, and how far the run is.
    public struct Step: Sendable {
        public var line: String
        public var refused: Bool
        public var done: Int
        public var total: Int
    }

    public func run(progress: @Sendable (Step) -> Void = { _ in }) async throws -> Summary {
        let dump = try readDump()
        var summary = Summary()
        for name in dump.users.keys.sorted() {
            let user = name.lowercased()
            guard StoreName.isValid(user) else {
                summary.notes.append("user \(String(reflecting: String(name.prefix(80)))) not imported: not a valid user name")
                continue
            }
            if try await service.catalog.userExists(user) {
                summary.usersExisting += 1
                continue
            }
            try await service.catalog.createUser(user, passwordHash: PasswordHasher.locked, email: dump.users[name]?.email)
            summary.usersCreated += 1
            summary.withoutPassword.append(user)
        }
        // Indices first without bases (a base may come later in the dump), then their bases.
        var imported: [(IndexID, DevpiDump.Index)] = []
        for name in dump.indexes.keys.sorted() {
            guard let index = dump.indexes[name] else { continue }
            let id = try IndexID(name)
            if index.indexconfig.type == "mirror" {
                summary.notes.append("\(id): a mirror index, not imported (make it again: wheelwright index create \(id) --mirror URL)")
                continue
            }
            imported.append((id, index))
            if try await service.catalog.settings(of: id) != nil {
                summary.indicesExisting += 1
                continue
            }
            let named = (index.indexconfig.aclUpload ?? []).filter { $0 != ":ANONYMOUS:" }.map { $0.lowercased() }
            let acl = named.filter(StoreName.isValid)
            if index.indexconfig.aclUpload?.contains(":ANONYMOUS:") == true {
                summary.notes.append("\(id): acl_upload :ANONYMOUS: dropped (anonymous uploads are not allowed here)")
            }
            for bad in named.filter({ !StoreName.isValid($0) }).prefix(10) {
                summary.notes.append("\(id): acl_upload \(String(reflecting: String(bad.prefix(80)))) dropped: not a valid user name")
            }
            try await service.catalog.createIndex(id, settings: IndexSettings(volatile: index.indexconfig.volatile ?? true, aclUpload: acl.filter { $0 != id.user }))
            summary.indicesCreated += 1
        }
        for (id, index) in imported where !(index.indexconfig.bases ?? []).isEmpty {
            let bases = try (index.indexconfig.bases ?? []).map { try IndexID($0) }.filter { base in imported.contains { $0.0 == base } }
            _ = try await service.catalog.updateIndex(id) { $0.bases = bases }
        }
        var files: [(index: IndexID, file: DevpiDump.File, yanked: Bool)] = []
        for (id, index) in imported {
            for file in index.files ?? [] {
                guard file.type == "releasefile" else {
                    summary.notes.append("\(id): \(file.relpath): a \(file.type), not imported")
                    continue
                }
                let yanked = file.version.map { version in
                    index.projects?[file.projectname]?[version]?.yanked == true
                        || index.projects?[ProjectName.normalize(file.projectname)]?[version]?.yanked == true
                } ?? false
                files.append((id, file, yanked))
            }
        }
        // Files are independent: digests, archive checks and fsyncs overlap on every core; the
        // catalog serializes the writes. Results are counted in the dump's order.
        var results = [FileResult?](repeating: nil, count: files.count)
        let width = min(files.count, ProcessInfo.processInfo.activeProcessorCount * 2)
        await withTaskGroup(of: (Int, FileResult).self) { group in
            var next = 0
            func start() {
                guard next < files.count else { return }
                let (position, (id, file, yanked)) = (next, files[next])
                next += 1
                group.addTask { (position, await importFile(file, into: id, yanked: yanked)) }
            }
            for _ in 0..<width { start() }
            var done = 0
            while let (position, result) = await group.next() {
                results[position] = result
                done += 1
                progress(Step(line: "\(files[position].index): \(files[position].file.relpath)", refused: result.isRefusal, done: done, total: files.count))
                start()
            }
        }
        for result in results {
            switch result {
            case .imported(.stored, let yanked)?:
                summary.filesStored += 1
                if yanked { summary.filesYanked += 1 }
            case .imported(.alreadyPresent, let yanked)?:
                summary.filesUnchanged += 1
                if yanked { summary.filesYanked += 1 }
            case .refused(let reason)?: summary.refused.append(reason)
            case nil: break
            }
        }
        return summary
    }

    /// One file imported (and whether it was yanked by this run) or refused with the reason.
    private enum FileResult: Sendable {
        case imported(UploadOutcome, yanked: Bool)
        case refused(String)

        var isRefusal: Bool {
            if case .refused = self { return true }
            return false
        }
    }

    /// The largest release file taken from a dump: the server's default upload limit.
    public static let maximumFileBytes: Int64 = 2 << 30

    /// One release file, through the upload's checks, as uploaded by the index's owner. The file
    /// must be a regular file whose real path (links resolved) is inside the dump's real folder,
    /// and at most `maximumFileBytes`.
    /// One file imported and yanked when it was yanked in devpi, or the reason it was refused.
    private func importFile(_ file: DevpiDump.File, into index: IndexID, yanked: Bool) async -> FileResult {
        do {
            let outcome = try await importFile(file, into: index)
            var didYank = false
            if yanked {
                didYank = try await service.catalog.setYanked(index, URL(fileURLWithPath: file.relpath).lastPathComponent, yanked: true,
                                                              reason: "yanked in devpi").yanked
            }
            return .imported(outcome, yanked: didYank)
        } catch {
            return .refused("\(index): \(file.relpath): \(error)")
        }
    }

    private func importFile(_ file: DevpiDump.File, into index: IndexID) async throws -> UploadOutcome {
        let root = folder.resolvingSymlinksInPath().path
        let path = folder.appendingPathComponent(file.relpath).resolvingSymlinksInPath()
        guard !file.relpath.hasPrefix("/"), !file.relpath.contains("\u{0}"), path.path.hasPrefix(root + "/") else {
            throw StoreError.badRequest("the path leaves the dump's folder")
        }
        guard let sha256 = file.entrymapping?.sha256 else { throw StoreError.badRequest("the dump records no sha256 for it") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path.path)
        guard let attributes else { throw StoreError.notFound("the file is missing from the dump") }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw StoreError.badRequest("it is not a regular file") }
        guard let input = FileHandle(forReadingAtPath: path.path) else { throw StoreError.notFound("the file is missing from the dump") }
        // Reading and writing block: on a Dispatch thread, not one of Swift's few.
        let blobs = service.blobs
        let blob = try await BlockingWork.run {
            defer { try? input.close() }
            var blob = try blobs.makeTemporaryFile()
            var copied: Int64 = 0
            do {
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    copied += Int64(chunk.count)
                    guard copied <= Self.maximumFileBytes else {
                        throw StoreError(.tooLarge, "it is larger than \(Self.maximumFileBytes >> 20) MiB, the largest file an upload may be")
                    }
                    try blob.write(chunk)
                }
            } catch {
                blobs.discard(blob)
                throw error
            }
            return blob
        }
        return try await service.upload(blob, filename: path.lastPathComponent, to: index, by: Identity(user: index.user),
                                          declared: IndexService.DeclaredDigests(sha256: sha256))
    }
}
