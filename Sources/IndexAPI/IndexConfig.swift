/// An index's settings as devpi shows them (`indexconfig`); `projects` only on `GET /USER/INDEX`.
public struct IndexConfig: Codable, Sendable, Equatable {
    public var type: String
    public var bases: [String]
    public var volatile: Bool
    public var aclUpload: [String]
    public var projects: [String]?

    public init(type: String, bases: [String], volatile: Bool, aclUpload: [String], projects: [String]? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.projects) = (type, bases, volatile, aclUpload, projects)
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile, projects
        case aclUpload = "acl_upload"
    }
}
