import Hummingbird
import HTTPTypes
import IndexAPI
import IndexStore

/// Test results: `devpi test` posts tox's JSON to a release file's URL (devpi's route); each is
/// read back at `/USER/INDEX/+toxresults/FILE/N` (the JSON) and `…/N/log` (its commands' output).
extension IndexRoutes {
    func postToxResult(_ index: IndexID, hash: String, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try await service.authorize(identity, .upload(index))
        // JSON only (as devpi-client and the builder send it): a form another site's page posts
        // with a browser's remembered login cannot be one.
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw StoreError.badRequest("Content-Type: a test result is posted as application/json (tox's --result-json)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ToxResultReport.maximumBytes)
        } catch {
            throw StoreError(.tooLarge, "a test result is at most \(ToxResultReport.maximumBytes) bytes of JSON")
        }
        let stored = try await service.addToxResult(Array(body.readableBytesView), for: filename, sha256: hash, in: index, by: identity)
        return Self.json(Envelope(type: "toxresultpath", result: "\(index)/\(stored.relativeURL)"))
    }

    /// Never kept in the page cache (a result is up to a megabyte); immutable once posted.
    func toxResult(_ index: IndexID, filename: String, id: String, log: Bool) async throws -> Response {
        guard let number = Int64(id), number > 0, String(number) == id, let (result, text) = try await service.toxResult(number, of: filename, in: index, log: log) else {
            throw StoreError.notFound("no test result \(id) for \(filename) in \(index)")
        }
        guard let file = try await service.file(filename, in: index) else { throw StoreError.notFound("no file \(filename) in \(index)") }
        try await refuseIfQuarantined(file.project, in: file.index, requested: "the test result of \(filename)")
        var headers: HTTPFields = [.cacheControl: "max-age=31536000, immutable", .eTag: "\"\(result.sha256)\(log ? "-log" : "")\"",
                                   .contentType: log ? "text/plain; charset=utf-8" : "application/json"]
        Self.addSecurityHeaders(&headers)
        headers[.contentLength] = String(text.utf8.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
