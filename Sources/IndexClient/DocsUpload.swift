import MultipartKit
import NIOCore

/// A release's documentation as devpi-client uploads it (`:action=doc_upload`): a zip of built
/// HTML named `NAME-VERSION.doc.zip`.
public struct DocsUpload: MultipartUpload {
    public let name: String
    public let version: String
    public let zip: [UInt8]

    public init(name: String, version: String, zip: [UInt8]) { (self.name, self.version, self.zip) = (name, version, zip) }

    public func form(boundary: String) throws -> ByteBuffer {
        let parts = [
            Upload.field(":action", "doc_upload"),
            Upload.field("protocol_version", "1"),
            Upload.field("name", name),
            Upload.field("version", version),
            Upload.file("content", "\(name)-\(version).doc.zip", zip),
        ]
        var buffer = ByteBuffer()
        try MultipartSerializer().serialize(parts: parts, boundary: boundary, into: &buffer)
        return buffer
    }
}
