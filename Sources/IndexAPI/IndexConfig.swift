/// An index's settings as devpi shows them (`indexconfig`); `projects` only on `GET /USER/INDEX`.
public struct IndexConfig: Codable, Sendable, Equatable {
    public var type: String
    public var bases: [String]
    public var volatile: Bool
    public var aclUpload: [String]
    public var aclRead: [String]
    public var projects: [String]?

    public init(type: String, bases: [String], volatile: Bool, aclUpload: [String], aclRead: [String] = [IndexRequest.anonymous], projects: [String]? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead, self.projects) = (type, bases, volatile, aclUpload, aclRead, projects)
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile, projects
        case aclUpload = "acl_upload"
        case aclRead = "acl_read"
    }

    /// Decodes an answer from a server before `acl_read` (every index public).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        bases = try container.decode([String].self, forKey: .bases)
        volatile = try container.decode(Bool.self, forKey: .volatile)
        aclUpload = try container.decode([String].self, forKey: .aclUpload)
        aclRead = try container.decodeIfPresent([String].self, forKey: .aclRead) ?? [IndexRequest.anonymous]
        projects = try container.decodeIfPresent([String].self, forKey: .projects)
    }
}
