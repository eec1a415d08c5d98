/// What an upload did: stored (with its URL) or already there with the same bytes.
public struct UploadResult: Codable, Sendable {
    public var filename: String
    public var sha256: String
    public var url: String?
    public var unchanged: Bool?

    public init(filename: String, sha256: String, url: String? = nil, unchanged: Bool? = nil) {
        (self.filename, self.sha256, self.url, self.unchanged) = (filename, sha256, url, unchanged)
    }
}
