import Hummingbird
import HTTPTypes
import IndexAPI
import IndexStore
import PythonPackaging

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
        try await service.authorize(identity, .upload(index))
        guard let contentType = request.headers[.contentType],
              let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            throw StoreError(.badRequest, "an upload is multipart/form-data with a boundary (as twine sends it)")
        }
        let form = try await UploadForm.read(request.body, boundary: boundary, blobs: service.blobs, limits: limits)
        if form.fields[":action"] == "doc_upload" {
            guard let blob = form.content else {
                form.discard(service.blobs)
                throw StoreError.badRequest("content: the documentation upload has no 'content' file part (a zip of built HTML)")
            }
            if let log = form.buildLog { service.blobs.discard(log) }
            guard let name = form.fields["name"], let version = form.fields["version"] else {
                service.blobs.discard(blob)
                throw StoreError.badRequest("name and version: the documentation upload names its release")
            }
            let stored = try await service.uploadDocs(blob, name: name, version: version, to: index, by: identity)
            let project = ProjectName.normalize(name)
            return Self.json(APIMessage(message: "\(stored ? "stored" : "unchanged"): the documentation of \(project) \(version) at \(pathPrefix)/\(index)/\(project)/\(version)/+doc/"))
        }
        if let action = form.fields[":action"], action != "file_upload" {
            form.discard(service.blobs)
            throw StoreError.badRequest(":action '\(action)' is not supported: file_upload or doc_upload")
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
