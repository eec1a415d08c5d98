/// The body of `PUT`/`PATCH /USER/INDEX`.
public struct IndexRequest: Codable, Sendable {
    public var type: String?
    public var bases: [String]?
    public var volatile: Bool?
    public var aclUpload: [String]?

    public init(type: String? = nil, bases: [String]? = nil, volatile: Bool? = nil, aclUpload: [String]? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload) = (type, bases, volatile, aclUpload)
    }

    public enum CodingKeys: String, CodingKey {
        case type, bases, volatile
        case aclUpload = "acl_upload"
    }

    /// The keys a server accepts, devpi's that it ignores included.
    public static let keys: Set<String> = ["type", "bases", "volatile", "acl_upload", "title", "description", "mirror_whitelist",
                                           "acl_toxresult_upload", "pypi_whitelist", "custom_data"]
}
