import Foundation
import IndexAPI
import PythonPackaging

/// The catalog's rows as records (`CatalogRecord`): each names its columns once, in its
/// `CodingKeys`, and makes the store's value from what it read.
enum CatalogRecords {
    /// A `file` row but its core metadata, which only `coreMetadata` reads.
    struct File: CatalogRecord {
        let indexPath, filename, project, version, kind, sha256: String
        let size: Int64
        let uploadTime: Double
        let uploader: String
        let requiresPython: String?
        let yanked: Bool
        let yankReason, metadataSHA256, provenance, buildLogSHA256: String?
        let buildLogSize: Int64?
        let history: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case indexPath, filename, project, version, kind, sha256, size, uploadTime, uploader, requiresPython, yanked, yankReason
            case metadataSHA256, provenance, buildLogSHA256, buildLogSize, history
        }

        var value: StoredFile {
            get throws {
                StoredFile(
                    index: try IndexID(indexPath), filename: filename, project: project, version: version,
                    kind: DistributionKind(rawValue: kind) ?? .wheel, sha256: sha256, size: size, uploadTime: uploadTime, uploader: uploader,
                    requiresPython: requiresPython, yanked: yanked, yankReason: yankReason, metadataSHA256: metadataSHA256,
                    provenance: provenance.flatMap { try? JSONDecoder().decode(Provenance.self, from: Data($0.utf8)) },
                    buildLog: buildLogSHA256.flatMap(BlobDigest.init).map { BlobReference(digest: $0, size: buildLogSize ?? 0) },
                    history: FileEvent.decoded(history)
                )
            }
        }
    }

    /// A `doc` row: a release's documentation.
    struct Docs: CatalogRecord {
        let indexPath, project, version, sha256: String
        let size: Int64
        let uploadTime: Double
        let uploader: String
        let history: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case indexPath, project, version, sha256, size, uploadTime, uploader, history
        }

        var value: StoredDocs {
            get throws {
                StoredDocs(index: try IndexID(indexPath), project: project, version: version, sha256: sha256, size: size,
                           uploadTime: uploadTime, uploader: uploader, history: FileEvent.decoded(history))
            }
        }
    }

    /// A `toxresult` row but its report and log.
    struct ToxResult: CatalogRecord {
        let id: Int64
        let indexPath, filename, fileSHA256, project, version: String
        let uploadTime: Double
        let uploader, host, platform, environments, sha256: String
        let history: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, indexPath, filename, fileSHA256, project, version, uploadTime, uploader, host, platform, environments, sha256, history
        }

        var value: StoredToxResult {
            get throws {
                StoredToxResult(
                    id: id, index: try IndexID(indexPath), filename: filename, fileSHA256: fileSHA256, project: project, version: version,
                    uploadTime: uploadTime, uploader: uploader, host: host, platform: platform,
                    environments: try JSONDecoder().decode([ToxEnvironmentSummary].self, from: Data(environments.utf8)), sha256: sha256,
                    history: FileEvent.decoded(history)
                )
            }
        }
    }

    /// A `project_status` row: one change of a project's status in an index.
    struct ProjectStatusRow: CatalogRecord {
        let indexPath, project, status, reason, user: String
        let changedAt: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case indexPath, project, status, reason, user, changedAt
        }

        var value: ProjectStatusChange {
            get throws {
                guard let known = ProjectStatus(rawValue: status) else {
                    throw StoreError(.internalError, "the catalog holds an unknown project status '\(status)' for \(project)")
                }
                return ProjectStatusChange(index: try IndexID(indexPath), project: project, status: known, reason: reason, user: user, time: changedAt)
            }
        }
    }

    /// An `index` row: its path and settings.
    struct Index: CatalogRecord {
        let path, settings: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case path, settings
        }

        var value: (path: IndexID, settings: IndexSettings) {
            get throws { (try IndexID(path), try Catalog.decodeSettings(settings)) }
        }
    }

    /// A `token` row but its revocation.
    struct Token: CatalogRecord {
        let id, user, secretHash: String
        let indices: String?
        let createdAt: Double
        let lastUsedAt: Double?
        let readOnly: Bool

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, user, secretHash, indices, createdAt, lastUsedAt, readOnly
        }

        /// The indices the token is scoped to, if it is.
        var scope: [IndexID]? {
            get throws { try indices.map { try JSONDecoder().decode([IndexID].self, from: Data($0.utf8)) } }
        }

        var value: TokenSummary {
            get throws {
                TokenSummary(id: id, user: user, indices: try scope?.map(\.description), created: createdAt, lastUsed: lastUsedAt, readOnly: readOnly)
            }
        }
    }

    /// A `lease` row: who holds a build share until when.
    struct Lease: CatalogRecord {
        let name, owner: String
        let expiresAt: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, owner, expiresAt
        }

        var value: BuildLease { BuildLease(name: name, owner: owner, expires: expiresAt) }
    }

    /// A `build_run` row's counts.
    struct Totals: CatalogRecord {
        let id: Int64
        let reportedAt: Double
        let reporter: String
        let runID: String?
        let built, failed, skipped, cancelled: Int
        let seconds: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, reportedAt, reporter, runID, built, failed, skipped, cancelled, seconds
        }

        var value: RunTotals {
            RunTotals(run: id, reportedAt: reportedAt, reporter: reporter, runID: runID, built: built, failed: failed, skipped: skipped,
                      cancelled: cancelled, seconds: seconds)
        }
    }

    /// A `build_run` row with its report.
    struct Run: CatalogRecord {
        let id: Int64
        let reportedAt: Double
        let reporter, report: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, reportedAt, reporter, report
        }

        var value: ReportedRun { ReportedRun(id: id, reportedAt: reportedAt, reporter: reporter, report: report) }
    }

    /// A `run_item` row: one item of a run.
    struct Item: CatalogRecord {
        let run: Int64
        let project, version, target, python, status: String
        let seconds: Double
        let wheel, index, reason, logItem: String?
        let tool: Bool

        enum CodingKeys: String, CodingKey, CaseIterable {
            case run, project, version, target, python, status, seconds, wheel, index, reason, logItem, tool
        }

        var value: RunItem {
            RunItem(run: run, project: project, version: version, target: target, python: python, status: status, seconds: seconds,
                    wheel: wheel, index: index, reason: reason, logItem: logItem, tool: tool)
        }
    }

    /// A `coverage` row: a (project, target) as the latest run that planned it left it.
    struct Coverage: CatalogRecord {
        let project, target, status, versions: String
        let reason, logItem: String?
        let run: Int64
        let tool: Bool

        enum CodingKeys: String, CodingKey, CaseIterable {
            case project, target, status, versions, reason, logItem, run, tool
        }

        var value: CoverageCell {
            CoverageCell(project: project, target: target, status: CoverageCell.Status(rawValue: status) ?? .pending, versions: versions,
                         reason: reason, logItem: logItem, run: run, tool: tool)
        }
    }

    /// A blob a row names (a file, a build log, documentation) with the size it must have.
    struct Blob: CatalogRecord {
        let digest: String
        let size: Int64?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case digest, size
        }

        /// Nil for a digest that is not one (only a damaged catalog holds such).
        var value: BlobReference? { BlobDigest(digest).flatMap { digest in size.map { BlobReference(digest: digest, size: $0) } } }
    }

    /// What a file gives the search: its project and version, and its core metadata.
    struct SearchSource: CatalogRecord {
        let indexPath, project, version: String
        let metadata: [UInt8]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case indexPath, project, version, metadata
        }
    }

    /// A `search_doc` row as a hit shows it.
    struct SearchDocumentRow: CatalogRecord {
        let id: Int64
        let project, indexPath, version, summary, description: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, project, indexPath, version, summary, description
        }
    }

    /// Counts over `file` rows: projects, files and the last upload (aggregates named so).
    struct Statistics: CatalogRecord {
        /// The index counted, when the counts are by index.
        let indexPath: String?
        let projects, files: Int
        let last: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case indexPath, projects, files, last
        }

        var value: IndexStatistics { IndexStatistics(projects: projects, files: files, lastUpload: last) }
    }

    /// A project's row on an index page: its files, last upload and versions (aggregates).
    struct Summary: CatalogRecord {
        let project: String
        let files: Int
        let last: Double
        let versions: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case project, files, last, versions
        }

        var value: ProjectSummary {
            ProjectSummary(name: project, files: files, lastUpload: last, versions: (versions ?? "").split(separator: ",").map(String.init))
        }
    }
}
