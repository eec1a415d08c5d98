import Hummingbird
import HTTPTypes
import IndexAPI
import IndexStore
import PythonPackaging

/// Releases' documentation, devpi's paths: `/USER/INDEX/NAME/VERSION/+doc/PATH` and
/// `…/NAME/latest/+doc/PATH`, read member by member from the uploaded zip. Uploaded HTML is the
/// uploader's, not ours: every page is served sandboxed (`Content-Security-Policy: sandbox
/// allow-scripts`: an opaque origin, so its scripts run without the index's cookies, storage or
/// same-origin reads), never sniffed, and never framed by another site.
extension IndexRoutes {
    func docPage(_ index: IndexID, project: String, version: String, path: [String], trailingSlash: Bool, request: Request) async throws -> Response {
        let normalized = ProjectName.normalize(project)
        guard let docs = try await service.docs(of: normalized, version: version, in: try resolutionOrder(of: index)) else {
            throw StoreError.notFound("no documentation of \(normalized) \(version) in \(index) or its bases")
        }
        try await refuseIfQuarantined(normalized, in: index, requested: "the documentation of \(normalized) \(version)")
        let base = "/\(index)/\(normalized)/\(version)/+doc/"
        if path.isEmpty && !trailingSlash { return Self.redirect(to: base) }
        let joined = path.joined(separator: "/")
        let member = path.isEmpty ? "index.html" : trailingSlash ? joined + "/index.html" : joined
        guard let bytes = try service.docsMember(docs, path: member) else {
            // A folder asked for without its slash: its index page, where relative links resolve.
            if !trailingSlash, !path.isEmpty, try service.docsMember(docs, path: joined + "/index.html") != nil {
                return Self.redirect(to: base + joined + "/")
            }
            throw StoreError.notFound("no \(member) in the documentation of \(normalized) \(docs.version)")
        }
        let etag = "\"\(docs.sha256.prefix(32))-\(PageCache.fingerprint(member))\""
        let headers: HTTPFields = [
            .contentType: Self.docsContentType(member), .contentLength: String(bytes.count), .eTag: etag,
            .contentSecurityPolicy: "sandbox allow-scripts", .xContentTypeOptions: "nosniff", Self.frameOptions: "SAMEORIGIN",
            Self.referrerPolicy: "no-referrer",
            // A version's pages never change on a non-volatile index; `latest` moves with uploads.
            .cacheControl: version == "latest" ? "no-cache" : "max-age=3600",
        ]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// The type a documentation member is served as, by its extension; anything unknown is
    /// bytes to download, never a page.
    static func docsContentType(_ path: String) -> String {
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return switch suffix {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json", "map": "application/json"
        case "txt", "rst", "md", "py": "text/plain; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "ico": "image/vnd.microsoft.icon"
        case "webp": "image/webp"
        case "woff": "font/woff"
        case "woff2": "font/woff2"
        case "ttf": "font/ttf"
        case "xml": "application/xml"
        default: "application/octet-stream"
        }
    }
}
