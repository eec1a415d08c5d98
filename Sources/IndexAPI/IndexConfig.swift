/// An index's settings as devpi shows them (`indexconfig`); `projects` only on `GET /USER/INDEX`.
public struct IndexConfig: Codable, Sendable, Equatable {
    public var type: String
    public var bases: [String]
    public var volatile: Bool
    public var aclUpload: [String]
    public var aclRead: [String]
    public var projects: [String]?
    /// A mirror's upstream, freshness (seconds) and gate (`whitelist` or `none`); absent on a stage.
    public var mirrorURL: String?
    public var mirrorCacheExpiry: Int?
    public var gate: String?

    public init(type: String, bases: [String], volatile: Bool, aclUpload: [String], aclRead: [String] = [IndexRequest.anonymous], projects: [String]? = nil,
                mirrorURL: String? = nil, mirrorCacheExpiry: Int? = nil, gate: String? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead, self.projects) = (type, bases, volatile, aclUpload, aclRead, projects)
        (self.mirrorURL, self.mirrorCacheExpiry, self.gate) = (mirrorURL, mirrorCacheExpiry, gate)
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile, projects
        case aclUpload = "acl_upload"
        case aclRead = "acl_read"
        case mirrorURL = "mirror_url"
        case mirrorCacheExpiry = "mirror_cache_expiry"
        case gate
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
        mirrorURL = try container.decodeIfPresent(String.self, forKey: .mirrorURL)
        mirrorCacheExpiry = try container.decodeIfPresent(Int.self, forKey: .mirrorCacheExpiry)
        gate = try container.decodeIfPresent(String.self, forKey: .gate)
    }
}
