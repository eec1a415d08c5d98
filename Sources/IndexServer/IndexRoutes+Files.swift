import Foundation
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// Downloads: a stored file (with `Range`) and its core metadata file (PEP 658).
extension IndexRoutes {
    /// `mirror`: the index's settings when it is a mirror, which fetches a file it does not
    /// hold yet from its upstream, and serves none its gate does not admit.
    func file(
        _ index: IndexID, hash: String, filename requested: String, mirror: Mirror?,
        _ request: Request
    ) async throws -> Response {
        let wantsMetadata = requested.hasSuffix(".metadata")
        let filename = wantsMetadata ? String(requested.dropLast(".metadata".count)) : requested
        if let release = StoredDocs.release(named: requested) {
            guard let docs = try await service.docs(of: release.project, version: release.version, in: [index]), docs.sha256 == hash,
                  let blob = docs.blob else { throw StoreError.notFound("no documentation \(requested) in \(index)") }
            try await refuseIfQuarantined(docs.project, in: index, requested: requested)
            return try blobResponse(blob, contentType: "application/zip", request)
        }
        let stored: StoredFile
        if let found = try await service.file(filename, in: index), found.sha256 == hash {
            if let mirror, let version = try? Version(found.version) {
                try await checkGate(found.project, version: version, mirror: mirror)
            }
            stored = found
        } else if let mirror, !wantsMetadata {
            stored = try await mirroredFile(mirror, filename: filename, hash: hash)
        } else {
            throw StoreError.notFound("no file \(requested) in \(index)")
        }
        try await refuseIfQuarantined(stored.project, in: stored.index, requested: requested)
        if wantsMetadata {
            guard let metadata = try await service.coreMetadata(of: filename, in: index) else {
                throw StoreError.notFound("\(filename) has no core metadata file")
            }
            return Response(status: .ok, headers: [
                .contentType: "text/plain; charset=utf-8", .contentLength: String(metadata.count),
                .cacheControl: "max-age=31536000, immutable", .eTag: "\"\(stored.metadataSHA256 ?? stored.sha256)\"",
            ], body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: metadata)))
        }
        guard let blob = stored.blob else { throw StoreError(.internalError, "\(filename) in \(index) has no valid blob digest in the catalog") }
        return try blobResponse(blob, contentType: "application/octet-stream", request)
    }

    /// A stored blob, immutable, whole or (`Range`) in part; its bytes are sent by
    /// `FileRegionWriter` (sendfile) from the path the blob store checked (size each time,
    /// digest once per process).
    func blobResponse(_ blob: BlobReference, contentType: String, _ request: Request) throws -> Response {
        let path = try service.checkedPath(blob).path
        let size = Int(blob.size)
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "max-age=31536000, immutable",
            .acceptRanges: "bytes",
            .eTag: "\"\(blob.digest.hex)\"",
        ]
        var status = HTTPResponse.Status.ok
        var sent = 0..<size
        if let rangeHeader = request.headers[.range], let range = ByteRange.parse(rangeHeader, size: size) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            (status, sent) = (.partialContent, range.lowerBound..<range.upperBound + 1)
        }
        headers[.contentLength] = String(sent.count)
        if request.method != .head, !sent.isEmpty {
            headers[FileDirective.field] = FileDirective(path: path, offset: sent.lowerBound, count: sent.count).headerValue()
        }
        return Response(status: status, headers: headers, body: ResponseBody())
    }

    /// PEP 792: nothing of a quarantined project is served: its files, core metadata, SBOMs,
    /// build logs and documentation.
    func refuseIfQuarantined(_ project: String, in index: IndexID, requested: String) async throws {
        if let setting = try await service.standing(of: project, in: index).setting, !setting.status.servesFiles {
            throw StoreError.notFound("\(requested) is not served: \(project) is quarantined in \(setting.index) (\(setting.reason))")
        }
    }

    /// `GET /USER/INDEX/+sbom/FILE`: the CycloneDX SBOM a wheel built here carries (PEP 770),
    /// read from the stored wheel like a download (never kept in the page cache, which a few
    /// large SBOMs would fill); immutable, its SHA-256 the ETag.
    func sbom(_ index: IndexID, filename: String, request: Request) async throws -> Response {
        guard let stored = try await service.file(filename, in: index), let digest = stored.provenance?.sbomSHA256 else {
            throw StoreError.notFound("no SBOM of this builder for \(filename) in \(index)")
        }
        try await refuseIfQuarantined(stored.project, in: stored.index, requested: "the SBOM of \(filename)")
        if request.headers[.ifNoneMatch] == "\"\(digest)\"" { return Response(status: .notModified, headers: [.eTag: "\"\(digest)\""]) }
        let bytes = try service.sbom(of: stored)
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.cyclonedx+json", .contentLength: String(bytes.count),
            .cacheControl: "max-age=31536000, immutable", .eTag: "\"\(digest)\"",
        ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
