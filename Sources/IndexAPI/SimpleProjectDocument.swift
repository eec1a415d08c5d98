/// A project page of the simple API as JSON (PEP 691, with PEP 700's `size`, `upload-time`
/// and `versions`, PEP 592's `yanked`, PEP 714's `core-metadata` and PEP 792's
/// `project-status`).
public struct SimpleProjectDocument: Codable, Sendable {
    public struct Meta: Codable, Sendable {
        public var apiVersion: String

        public init(apiVersion: String) { self.apiVersion = apiVersion }

        enum CodingKeys: String, CodingKey { case apiVersion = "api-version" }
    }

    /// PEP 592: `false`, `true`, or the reason (a yank with a reason is truthy).
    public enum Yank: Codable, Sendable, Equatable {
        case no, yes, because(String)

        public init(yanked: Bool, reason: String?) {
            guard yanked else {
                self = .no
                return
            }
            self = reason.map { $0.isEmpty ? .yes : .because($0) } ?? .yes
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = flag ? .yes : .no
            } else {
                self = .because(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .no: try container.encode(false)
            case .yes: try container.encode(true)
            case .because(let reason): try container.encode(reason)
            }
        }
    }

    public struct File: Codable, Sendable {
        public var filename: String
        public var url: String
        public var hashes: [String: String]
        public var size: Int64
        public var uploadTime: String
        public var yanked: Yank
        public var requiresPython: String?
        /// PEP 714: only the new key. pip 23.0 (Debian 12's) breaks on the old
        /// `dist-info-metadata` as a mapping.
        public var coreMetadata: [String: String]?

        public init(filename: String, url: String, hashes: [String: String], size: Int64, uploadTime: String, yanked: Yank,
                    requiresPython: String?, coreMetadata: [String: String]?) {
            self.filename = filename
            self.url = url
            self.hashes = hashes
            self.size = size
            self.uploadTime = uploadTime
            self.yanked = yanked
            self.requiresPython = requiresPython
            self.coreMetadata = coreMetadata
        }

        enum CodingKeys: String, CodingKey {
            case filename, url, hashes, size, yanked
            case uploadTime = "upload-time"
            case requiresPython = "requires-python"
            case coreMetadata = "core-metadata"
        }
    }

    /// PEP 792: the project's status and why; absent means `active`.
    public struct Status: Codable, Sendable, Equatable {
        public var status: ProjectStatus
        public var reason: String?

        public init(status: ProjectStatus, reason: String?) { (self.status, self.reason) = (status, reason) }
    }

    public var meta: Meta
    public var name: String
    public var projectStatus: Status?
    public var versions: [String]
    public var files: [File]

    public init(meta: Meta, name: String, projectStatus: Status? = nil, versions: [String], files: [File]) {
        (self.meta, self.name, self.projectStatus, self.versions, self.files) = (meta, name, projectStatus, versions, files)
    }

    enum CodingKeys: String, CodingKey {
        case meta, name, versions, files
        case projectStatus = "project-status"
    }
}
