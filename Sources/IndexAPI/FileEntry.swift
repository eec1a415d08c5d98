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
