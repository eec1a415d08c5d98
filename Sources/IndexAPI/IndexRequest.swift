/// The body of `PUT`/`PATCH /USER/INDEX`.
public struct IndexRequest: Codable, Sendable {
    public var type: String?
    public var bases: [String]?
    public var volatile: Bool?
    public var aclUpload: [String]?
    /// Who may read: user names, `:AUTHENTICATED:`, `:ANONYMOUS:` (everyone, the default).
    public var aclRead: [String]?

    public init(type: String? = nil, bases: [String]? = nil, volatile: Bool? = nil, aclUpload: [String]? = nil, aclRead: [String]? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead) = (type, bases, volatile, aclUpload, aclRead)
    }

    public enum CodingKeys: String, CodingKey {
        case type, bases, volatile
        case aclUpload = "acl_upload"
        case aclRead = "acl_read"
    }

    /// Everyone, signed in or not (devpi's spelling).
    public static let anonymous = ":ANONYMOUS:"
    /// Every signed-in user.
    public static let authenticated = ":AUTHENTICATED:"

    /// The keys a server accepts, devpi's that it ignores included.
    public static let keys: Set<String> = ["type", "bases", "volatile", "acl_upload", "acl_read", "title", "description", "mirror_whitelist",
                                           "acl_toxresult_upload", "pypi_whitelist", "custom_data"]
}
