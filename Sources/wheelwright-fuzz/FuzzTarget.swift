import Descriptions
import IndexAPI
import PythonPackaging

/// The parsers that read what clients and upstreams send, each as a fuzz target: any input
/// must be refused or accepted without a trap, and what is accepted must keep its invariants
/// (a parsed value prints back to something that parses to the same value). A broken
/// invariant is a `preconditionFailure`, which libFuzzer reports as a crash with its input.
enum FuzzTarget: String, CaseIterable {
    case version, wheelFilename = "wheel-filename", sdistFilename = "sdist-filename", coreMetadata = "core-metadata"
    case multipart, range, accept, basicAuth = "basic-auth", jsonBody = "json-body", provenance, query
    case toxResult = "toxresult", requestPath = "request-path"
    case descriptionHTML = "description-html", descriptionMarkdown = "description-markdown"

    func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .version:
            guard let version = try? Version(text) else { return }
            guard let again = try? Version(version.description), again == version, !(again < version), !(version < again) else {
                preconditionFailure("version \(text) prints as \(version) which does not parse back to it")
            }
        case .wheelFilename:
            guard let wheel = try? WheelFilename(text) else { return }
            let identity = DistributionIdentity(wheel: wheel)
            guard wheel.invalidTagMember == nil else { return }
            guard let canonical = try? WheelFilename(wheel.canonicalFilename), DistributionIdentity(wheel: canonical) == identity else {
                preconditionFailure("wheel \(text): its canonical name \(wheel.canonicalFilename) is another file")
            }
        case .sdistFilename:
            guard let sdist = try? SdistFilename(text) else { return }
            guard let canonical = try? SdistFilename(sdist.canonicalFilename),
                  DistributionIdentity(sdist: canonical) == DistributionIdentity(sdist: sdist) else {
                preconditionFailure("sdist \(text): its canonical name \(sdist.canonicalFilename) is another file")
            }
        case .coreMetadata:
            guard let metadata = try? CoreMetadata(parsing: text) else { return }
            _ = try? metadata.version
            _ = metadata["Requires-Python"]
        case .multipart:
            // The first byte picks the chunk size, the next line is the boundary, the rest is the body.
            guard let first = data.first, let newline = data.dropFirst().firstIndex(of: 0x0A) else { return }
            let boundary = String(decoding: data[1..<newline], as: UTF8.self)
            let contentType = "multipart/form-data; boundary=\(boundary)"
            guard let parsed = MultipartParser.boundary(fromContentType: contentType) else { return }
            var parser = MultipartParser(boundary: parsed)
            let body = Array(data[(newline + 1)...])
            let chunk = Int(first % 64) + 1
            var delivered = 0
            var index = 0
            while index < body.count {
                let end = min(index + chunk, body.count)
                guard let events = try? parser.feed(body[index..<end]) else { return }
                for case .data(let bytes) in events { delivered += bytes.count }
                index = end
            }
            precondition(delivered <= body.count, "multipart delivered \(delivered) bytes of a \(body.count)-byte body")
        case .range:
            let size = data.first.map { Int($0) * 1_000_003 } ?? 0
            let header = String(decoding: data.dropFirst(), as: UTF8.self)
            if let range = ByteRange.parse(header, size: size) {
                precondition(range.lowerBound >= 0 && range.upperBound < size, "range \(range) outside a file of \(size) bytes")
            }
        case .accept:
            _ = SimpleFormat.negotiate(text)
        case .requestPath:
            guard let path = try? RequestPath(text, maximumBytes: 2048) else { return }
            precondition(text.utf8.count <= 2048, "a path of \(text.utf8.count) bytes accepted")
            for segment in path.segments {
                precondition(!segment.isEmpty && !segment.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                             "segment \(segment.debugDescription) of \(text.debugDescription)")
            }
        case .basicAuth:
            if let (user, _) = BasicCredentials.parse(text) {
                precondition((1...128).contains(user.utf8.count), "user of \(user.utf8.count) bytes accepted")
            }
        case .jsonBody:
            guard let object = try? JSONObject(parsing: data, allowed: ["bases", "volatile", "acl_upload", "password", "type"]) else { return }
            for key in object.keys {
                _ = try? object.string(key)
                _ = try? object.bool(key)
                if let list = try? object.stringList(key) { precondition(list.count <= 256, "a list of \(list.count) items accepted") }
            }
        case .provenance:
            guard let provenance = try? Provenance(validating: text) else { return }
            guard let again = try? Provenance(validating: provenance.json), again == provenance else {
                preconditionFailure("provenance \(text) stores as \(provenance.json), which does not validate to it")
            }
        case .toxResult:
            guard let report = try? ToxResultReport(parsing: data) else { return }
            precondition(report.environments.count <= ToxResultReport.maximumEnvironments, "\(report.environments.count) environments accepted")
            for label in [report.host, report.platform] + report.environments.flatMap({ [$0.summary.name, $0.summary.python ?? "-"] }) {
                precondition((1...ToxResultReport.maximumLabel).contains(label.utf8.count), "a label of \(label.utf8.count) bytes accepted")
            }
            _ = report.log
        case .query:
            guard let query = try? RequestQuery(text) else { return }
            if let page = try? query.integer("page", in: 1...1_000_000) { precondition((1...1_000_000).contains(page)) }
        case .descriptionHTML:
            // What the sanitizer lets through is already safe: a second pass changes nothing,
            // and every tag and attribute in it is allowed (no script, style, frame, event
            // handler or javascript: URL).
            let clean = HTMLSanitizer.sanitize(text)
            precondition(HTMLSanitizer.sanitize(clean) == clean, "sanitizing \(text) twice gives two results")
            let unsafe = HTMLSanitizer.unsafeParts(of: clean)
            precondition(unsafe.isEmpty, "sanitizing \(text) leaves \(unsafe)")
        case .descriptionMarkdown:
            // The whole path a Markdown description takes in the renderer's child: cmark-gfm,
            // then the sanitizer. Whatever the input, the page gets safe, stable HTML.
            let html = DescriptionRendering.html(text, contentType: "text/markdown")
            let unsafe = HTMLSanitizer.unsafeParts(of: html)
            precondition(unsafe.isEmpty, "rendering \(text) leaves \(unsafe)")
            precondition(HTMLSanitizer.sanitize(html) == html, "rendering \(text) gives HTML a second pass changes")
        }
    }
}
