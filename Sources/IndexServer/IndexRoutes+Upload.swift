import Hummingbird
import HTTPTypes
import IndexAPI
import IndexStore

/// The legacy upload twine, `uv publish` and the builder speak.
extension IndexRoutes {
    /// An upload; a refusal's message also goes in the status line (`ReasonPhraseWriter`), where
    /// twine shows it without `--verbose`. A 401 keeps its standard phrase: clients act on it.
    func upload(to index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        do {
            return try await storeUpload(to: index, request, context: context)
        } catch let error as StoreError where error.kind != .unauthorized {
            var response = try error.response(from: request, context: context)
            response.headers[Self.reasonPhraseField] = error.message
            return response
        }
    }

    static let reasonPhraseField = HTTPField.Name(ReasonPhraseWriter.header)!

    private func storeUpload(to index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .upload(index))
        guard let contentType = request.headers[.contentType],
              let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            throw StoreError(.badRequest, "an upload is multipart/form-data with a boundary (as twine sends it)")
        }
        let form = try await UploadForm.read(request.body, boundary: boundary, blobs: service.blobs, limits: limits)
        if let action = form.fields[":action"], action != "file_upload" {
            form.discard(service.blobs)
            if action == "doc_upload" {
                throw StoreError.badRequest("documentation is not kept by this index (devpi's doc_upload): upload without --with-docs and publish docs elsewhere")
            }
            throw StoreError.badRequest(":action '\(action)' is not supported: only file_upload")
        }
        guard let blob = form.content, let filename = form.filename else {
            form.discard(service.blobs)
            throw StoreError.badRequest("the upload has no 'content' file part")
        }
        let declared = IndexService.DeclaredDigests(
            sha256: form.fields["sha256_digest"], md5: form.fields["md5_digest"], blake2b256: form.fields["blake2_256_digest"]
        )
        let outcome = try await service.upload(blob, filename: filename, to: index, by: identity, declared: declared,
                                         provenance: form.fields["provenance"], buildLog: form.buildLog)
        switch outcome {
        case .stored(let file):
            return Self.json(Envelope(type: "file", result: UploadResult(filename: file.filename, sha256: file.sha256, url: SimplePages.url(of: file, prefix: pathPrefix))))
        case .alreadyPresent(let file):
            return Self.json(Envelope(type: "file", result: UploadResult(filename: file.filename, sha256: file.sha256, unchanged: true)))
        }
    }
}
