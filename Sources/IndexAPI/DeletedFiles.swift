/// Files removed by `DELETE /USER/INDEX/NAME/VERSION`.
public struct DeletedFiles: Codable, Sendable {
    public var files: Int

    public init(files: Int) { self.files = files }
}
