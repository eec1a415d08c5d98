import Foundation

/// `wheelwright fsck`: every file and build log the catalog names, read back and checked
/// against its size and SHA-256. Reads only: it never repairs or removes, so it is safe while
/// the server runs.
public struct StoreCheck: Sendable {
    /// One thing found wrong (or, for orphans, worth knowing).
    public struct Finding: Sendable, CustomStringConvertible {
        public let index: IndexID?
        public let filename: String?
        public let problem: String
        /// False for blobs nothing refers to: space to reclaim, not damage.
        public let isDamage: Bool

        public var description: String {
            guard let index, let filename else { return problem }
            return "\(index)/\(filename): \(problem)"
        }
    }

    public let catalog: Catalog
    public let blobs: BlobStore

    /// Opens the store in `directory` (its catalog there, or `database`) without the crash
    /// recovery the server runs at start.
    public init(directory: URL, database: (any CatalogDatabase)? = nil) async throws {
        catalog = try await Catalog.existing(in: directory, database: database)
        blobs = try BlobStore(root: directory)
    }

    /// Checks every blob the catalog names, and lists the blobs it does not name.
    public func run() async throws -> (checked: Int, findings: [Finding]) {
        let files = try await catalog.everyFile()
        var findings: [Finding] = []
        for file in files {
            guard let blob = file.blob else {
                findings.append(Finding(index: file.index, filename: file.filename, problem: "the catalog's sha256 '\(file.sha256)' is not a digest", isDamage: true))
                continue
            }
            if let problem = blobs.verify(blob) {
                findings.append(Finding(index: file.index, filename: file.filename, problem: problem.description, isDamage: true))
            }
            if let log = file.buildLog, let problem = blobs.verify(log) {
                findings.append(Finding(index: file.index, filename: file.filename, problem: "build log: \(problem)", isDamage: true))
            }
        }
        let referenced = try await catalog.referencedBlobs()
        for stored in try blobs.storedBlobs() where stored.digest.map({ !referenced.contains(hex: $0.hex) }) ?? true {
            findings.append(Finding(index: nil, filename: nil, problem: "blobs/\(stored.name) is not referenced by the catalog", isDamage: false))
        }
        return (files.count, findings)
    }
}
