/// The body of `PUT`/`PATCH /USER/INDEX`.
public struct IndexRequest: Codable, Sendable {
    public var type: String?
    public var bases: [String]?
    public var volatile: Bool?
    public var aclUpload: [String]?
    /// Who may read: user names, `:AUTHENTICATED:`, `:ANONYMOUS:` (everyone, the default).
    public var aclRead: [String]?
    /// A mirror's upstream simple index (`type: mirror`), devpi's key.
    public var mirrorURL: String?
    /// Seconds a mirror's copy of an upstream page is fresh (devpi's key; default 1800).
    public var mirrorCacheExpiry: Int?
    /// A mirror's gate: `whitelist` (the default: only what the company whitelist admits) or `none`.
    public var gate: String?

    public init(type: String? = nil, bases: [String]? = nil, volatile: Bool? = nil, aclUpload: [String]? = nil, aclRead: [String]? = nil,
                mirrorURL: String? = nil, mirrorCacheExpiry: Int? = nil, gate: String? = nil) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead) = (type, bases, volatile, aclUpload, aclRead)
        (self.mirrorURL, self.mirrorCacheExpiry, self.gate) = (mirrorURL, mirrorCacheExpiry, gate)
    }

    public enum CodingKeys: String, CodingKey {
        case type, bases, volatile
        case aclUpload = "acl_upload"
        case aclRead = "acl_read"
        case mirrorURL = "mirror_url"
        case mirrorCacheExpiry = "mirror_cache_expiry"
        case gate
    }

    /// Everyone, signed in or not (devpi's spelling).
    public static let anonymous = ":ANONYMOUS:"
    /// Every signed-in user.
    public static let authenticated = ":AUTHENTICATED:"

    /// The keys a server accepts, devpi's that it ignores included.
    public static let keys: Set<String> = ["type", "bases", "volatile", "acl_upload", "acl_read", "mirror_url", "mirror_cache_expiry", "gate",
                                           "title", "description", "mirror_whitelist", "acl_toxresult_upload", "pypi_whitelist", "custom_data",
                                           "mirror_web_url_fmt"]

    /// An index of uploads (devpi's `stage`).
    public static let stage = "stage"
    /// A read-through cache of an upstream simple index (devpi's `mirror`).
    public static let mirror = "mirror"
}
