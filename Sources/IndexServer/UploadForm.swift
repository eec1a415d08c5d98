import Hummingbird
import IndexAPI
import IndexStore

/// An upload's form: the text fields, and the `content` file streamed to a temporary blob.
struct UploadForm {
    var fields: [String: String] = [:]
    var content: TemporaryBlob?
    var filename: String?
    /// The build log a builder attaches (`build_log`), streamed like the content.
    var buildLog: TemporaryBlob?

    /// The parts that are files on disk rather than text fields.
    static let fileParts: Set<String> = ["content", "build_log"]

    /// Discards whatever was streamed to disk.
    func discard(_ blobs: BlobStore) {
        if let content { blobs.discard(content) }
        if let buildLog { blobs.discard(buildLog) }
    }

    /// Reads the body part by part. The file goes to disk as it arrives; on any error the
    /// temporary file is removed and the error says what was wrong.
    static func read(
        _ body: RequestBody, boundary: String, blobs: BlobStore, limits: ServerLimits
    ) async throws -> UploadForm {
        var form = UploadForm()
        var parser = MultipartParser(boundary: boundary)
        var currentName: String?
        var fieldBytes: [UInt8] = []
        var totalFieldBytes = 0
        do {
            for try await chunk in body {
                for event in try parser.feed(chunk.readableBytesView) {
                    switch event {
                    case let .partStart(name, filename):
                        currentName = name
                        fieldBytes = []
                        if name == "content" {
                            guard form.content == nil else { throw StoreError.badRequest("the upload has two 'content' parts") }
                            form.filename = filename
                            form.content = try blobs.makeTemporaryFile()
                        } else if name == "build_log" {
                            guard form.buildLog == nil else { throw StoreError.badRequest("the upload has two 'build_log' parts") }
                            form.buildLog = try blobs.makeTemporaryFile()
                        }
                    case .data(let bytes):
                        if currentName == "content" {
                            try form.content?.write(bytes)
                            if let size = form.content?.size, size > limits.maximumUploadSize {
                                throw StoreError(.tooLarge, "the upload is larger than the limit of \(limits.maximumUploadSize) bytes")
                            }
                        } else if currentName == "build_log" {
                            try form.buildLog?.write(bytes)
                            if let size = form.buildLog?.size, size > limits.maximumLogSize {
                                throw StoreError(.tooLarge, "the build log is larger than the limit of \(limits.maximumLogSize) bytes")
                            }
                        } else {
                            totalFieldBytes += bytes.count
                            guard totalFieldBytes <= limits.maximumFieldBytes else {
                                throw StoreError(.tooLarge, "the upload's form fields exceed \(limits.maximumFieldBytes) bytes")
                            }
                            fieldBytes += bytes
                        }
                    case .partEnd:
                        if let name = currentName, !fileParts.contains(name) {
                            guard let text = String(validating: fieldBytes, as: UTF8.self) else {
                                throw StoreError.badRequest("the form field '\(name)' is not UTF-8 text")
                            }
                            // Repeated fields (classifiers) keep the first; the server reads only single ones.
                            if form.fields[name] == nil { form.fields[name] = text }
                        }
                        currentName = nil
                    }
                }
            }
            try parser.finish()
        } catch let error as MultipartParser.Failure {
            form.discard(blobs)
            throw StoreError.badRequest(error.description)
        } catch {
            form.discard(blobs)
            throw error
        }
        return form
    }
}
