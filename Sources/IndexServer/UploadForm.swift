import Hummingbird
import IndexAPI
import IndexStore

/// Limits on what a request may send.
public struct ServerLimits: Sendable {
    /// The largest distribution an upload may carry.
    public var maximumUploadSize: Int64 = 2 << 30
    /// All non-file fields of one upload together (metadata, descriptions).
    public var maximumFieldBytes = 4 << 20
    /// A build log attached to an upload (the builder caps its logs at 32 MiB).
    public var maximumLogSize: Int64 = 40 << 20
    /// A build run's report (`POST /+builds`); the builder keeps only the tail of each log in it.
    public var maximumReportBytes = 8 << 20
    /// A request path, and its query string.
    public var maximumPathBytes = 2048
    public var maximumQueryBytes = 2048
    /// The rendered pages kept in memory, in bytes of page.
    public var pageCacheBytes = 64 << 20
    /// Open connections; beyond this the longest-idle connection is closed to make room, and
    /// when none is idle the new one is answered 503.
    public var maximumConnections = 2048
    /// A connection that sends nothing for this long is closed: before its first request
    /// (a slow header), between requests (keep-alive), or in the middle of a body.
    public var idleTimeout: Duration = .seconds(30)

    public init() {}
}

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
