import Crypto
import Basics
import Foundation
import IndexAPI
import MultipartKit
import NIOCore
import NIOHTTP1
import PythonPackaging

/// What the legacy upload form carries: a body serialized for a boundary.
public protocol MultipartUpload: Sendable {
    func form(boundary: String) throws -> ByteBuffer
}

/// One wheel as the legacy upload form carries it: the file, its provenance and build log.
public struct Upload: MultipartUpload {
    public let filename: WheelFilename
    public let content: [UInt8]
    public let provenance: Provenance?
    public let buildLog: [UInt8]

    public init(filename: WheelFilename, content: [UInt8], provenance: Provenance? = nil, buildLog: [UInt8] = []) {
        (self.filename, self.content, self.provenance, self.buildLog) = (filename, content, provenance, buildLog)
    }

    /// The multipart body: the fields twine sends and ours, serialized by multipart-kit.
    public func form(boundary: String) throws -> ByteBuffer {
        var parts = [
            Self.field(":action", "file_upload"),
            Self.field("protocol_version", "1"),
            Self.field("name", filename.distribution),
            Self.field("version", filename.versionText),
            Self.field("filetype", "bdist_wheel"),
            Self.field("pyversion", filename.tagSet.interpreters.joined(separator: ".")),
            Self.field("sha256_digest", SHA256.hash(data: content).hex),
        ]
        if let provenance { parts.append(Self.field("provenance", provenance.json)) }
        parts.append(Self.file("content", filename.description, content))
        if !buildLog.isEmpty { parts.append(Self.file("build_log", "build.log", buildLog)) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(content.count + buildLog.count + 4096)
        try MultipartSerializer().serialize(parts: parts, boundary: boundary, into: &buffer)
        return buffer
    }

    static func field(_ name: String, _ value: String) -> MultipartPart {
        MultipartPart(headers: ["Content-Disposition": "form-data; name=\"\(name)\""], body: value)
    }

    static func file(_ name: String, _ filename: String, _ bytes: [UInt8]) -> MultipartPart {
        MultipartPart(headers: ["Content-Disposition": "form-data; name=\"\(name)\"; filename=\"\(filename)\"",
                                "Content-Type": "application/octet-stream"],
                      body: bytes)
    }
}
