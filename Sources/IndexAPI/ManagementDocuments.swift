/// The JSON documents of the management API, in devpi's shapes: every answer is an envelope
/// `{"type": …, "result": …}`. Server and clients share these types, so the wire is typed on
/// both ends.
public struct Envelope<Result: Codable & Sendable>: Codable, Sendable {
    public var type: String
    public var result: Result

    public init(type: String, result: Result) {
        self.type = type
        self.result = result
    }
}

/// An index's settings as devpi shows them (`indexconfig`); `projects` only on `GET /USER/INDEX`.
public struct IndexConfig: Codable, Sendable, Equatable {
    public var type: String
    public var bases: [String]
    public var volatile: Bool
    public var aclUpload: [String]
    public var projects: [String]?

    public init(type: String, bases: [String], volatile: Bool, aclUpload: [String], projects: [String]? = nil) {
        self.type = type
        self.bases = bases
        self.volatile = volatile
        self.aclUpload = aclUpload
        self.projects = projects
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile, projects
        case aclUpload = "acl_upload"
    }
}

/// A user (`userconfig`): its name and indices by index name.
public struct UserConfig: Codable, Sendable, Equatable {
    public var username: String?
    public var indexes: [String: IndexConfig]?

    public init(username: String?, indexes: [String: IndexConfig]?) {
        self.username = username
        self.indexes = indexes
    }
}

/// The body of `PUT`/`PATCH /USER`.
public struct UserRequest: Codable, Sendable {
    public var password: String?
    public var email: String?
    public var builder: Bool?

    public init(password: String? = nil, email: String? = nil, builder: Bool? = nil) {
        self.password = password
        self.email = email
        self.builder = builder
    }

    public static let keys: Set<String> = ["password", "email", "builder"]
}

/// The body of `PUT`/`PATCH /USER/INDEX`.
public struct IndexRequest: Codable, Sendable {
    public var type: String?
    public var bases: [String]?
    public var volatile: Bool?
    public var aclUpload: [String]?

    public init(type: String? = nil, bases: [String]? = nil, volatile: Bool? = nil, aclUpload: [String]? = nil) {
        self.type = type
        self.bases = bases
        self.volatile = volatile
        self.aclUpload = aclUpload
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile
        case aclUpload = "acl_upload"
    }

    /// The keys a server accepts, devpi's that it ignores included.
    public static let keys: Set<String> = ["type", "bases", "volatile", "acl_upload", "title", "description", "mirror_whitelist",
                                           "acl_toxresult_upload", "pypi_whitelist", "custom_data"]
}

/// The body of `POST /+tokens`: nil indices for a token that may act as its user.
public struct TokenRequest: Codable, Sendable {
    public var indices: [String]?

    public init(indices: [String]?) { self.indices = indices }
}

/// A new token, shown once.
public struct TokenCreated: Codable, Sendable {
    public var token: String
    public var id: String
    public var user: String

    public init(token: String, id: String, user: String) {
        self.token = token
        self.id = id
        self.user = user
    }
}

/// A revoked token.
public struct TokenRevoked: Codable, Sendable {
    public var id: String
    public var revoked: Bool

    public init(id: String, revoked: Bool) {
        self.id = id
        self.revoked = revoked
    }
}

/// The body of `POST /USER/INDEX/+yank/FILE`, and its answer.
public struct YankRequest: Codable, Sendable {
    public var yanked: Bool?
    public var reason: String?

    public init(yanked: Bool?, reason: String?) {
        self.yanked = yanked
        self.reason = reason
    }

    public static let keys: Set<String> = ["yanked", "reason"]
}

public struct YankResult: Codable, Sendable {
    public var filename: String
    public var yanked: Bool
    public var reason: String

    public init(filename: String, yanked: Bool, reason: String) {
        self.filename = filename
        self.yanked = yanked
        self.reason = reason
    }
}

/// What an upload did: stored (with its URL) or already there with the same bytes.
public struct UploadResult: Codable, Sendable {
    public var filename: String
    public var sha256: String
    public var url: String?
    public var unchanged: Bool?

    public init(filename: String, sha256: String, url: String? = nil, unchanged: Bool? = nil) {
        self.filename = filename
        self.sha256 = sha256
        self.url = url
        self.unchanged = unchanged
    }
}

/// One file of an index as `GET /USER/INDEX/+files` lists it.
public struct FileEntry: Codable, Sendable {
    public var filename: String
    public var project: String
    public var version: String
    public var sha256: String
    public var size: Int64
    public var yanked: Bool
    public var provenance: Provenance?

    public init(filename: String, project: String, version: String, sha256: String, size: Int64, yanked: Bool, provenance: Provenance?) {
        self.filename = filename
        self.project = project
        self.version = version
        self.sha256 = sha256
        self.size = size
        self.yanked = yanked
        self.provenance = provenance
    }
}

/// Files removed by `DELETE /USER/INDEX/NAME/VERSION`.
public struct DeletedFiles: Codable, Sendable {
    public var files: Int

    public init(files: Int) { self.files = files }
}

/// A build run's report as recorded (`POST /+builds`).
public struct BuildRunCreated: Codable, Sendable {
    public var id: Int64
    public var url: String

    public init(id: Int64, url: String) {
        self.id = id
        self.url = url
    }
}
