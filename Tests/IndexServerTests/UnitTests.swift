import Foundation
import HTTPTypes
@testable import IndexServer
import IndexAPI
import IndexStore
import Prometheus
import TestSupport
import Testing

@Suite("Digests, multipart, negotiation")
struct UnitTests {
    @Test("SHA-256, MD5 and BLAKE2b-256 of an upload agree with Python's hashlib, whatever the chunks")
    func digests() async throws {
        let folder = try TemporaryFolder()
        let store = try BlobStore(root: folder.url)
        for size in [0, 1, 127, 128, 129, 255, 256, 257, 1_000, 100_003] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let input = folder.path("input-\(size)")
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let python = try await runTool(Repository.tool("python"), ["-c", """
                import hashlib, sys
                data = open(sys.argv[1], "rb").read()
                print(hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest(), hashlib.blake2b(data, digest_size=32).hexdigest())
                """, input])
            // Chunks smaller than a block, of exactly one, and of several with a remainder.
            for chunk in [77, 128, 1_000] {
                var blob = try store.makeTemporaryFile()
                var index = 0
                while index < size {
                    let end = min(index + chunk, size)
                    try blob.write(bytes[index..<end])
                    index = end
                }
                let ours = blob.digests
                store.discard(blob)
                #expect(python.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(ours.sha256) \(ours.md5) \(ours.blake2b256)", "size \(size), chunks of \(chunk)")
            }
        }
    }

    @Test("a refusal's reason phrase: its first line, printable ASCII, capped")
    func reasonPhrases() {
        #expect(ReasonPhraseWriter.phrase("a.whl already exists\nsecond line") == "a.whl already exists")
        #expect(ReasonPhraseWriter.phrase("“quoted” — it’s done…\tnow\u{7}é ") == "\"quoted\" - it's done... now??")
        #expect(ReasonPhraseWriter.phrase("\r\nHTTP/1.1 200 OK") == "")
        #expect(ReasonPhraseWriter.phrase(String(repeating: "x", count: 1_000)).count == ReasonPhraseWriter.maximumLength)
    }

    @Test("multipart bodies parse the same whatever the chunk size, and truncation is an error")
    func multipart() throws {
        let form = HTTP.uploadForm(filename: "a.whl", content: Array("PK\r\n--not-the-boundary\r\nbytes".utf8), fields: [("name", "a")])
        for chunkSize in [1, 2, 3, 7, 64, form.body.count] {
            var parser = MultipartParser(boundary: "wheelwrightboundary")
            var events: [MultipartParser.Event] = []
            var index = 0
            while index < form.body.count {
                events += try parser.feed(form.body[index..<min(index + chunkSize, form.body.count)])
                index += chunkSize
            }
            try parser.finish()
            var fields: [String: [UInt8]] = [:]
            var current = ""
            for event in events {
                switch event {
                case .partStart(let name, _): current = name; fields[name] = []
                case .data(let bytes): fields[current, default: []] += bytes
                case .partEnd: current = ""
                }
            }
            #expect(String(decoding: fields["content"]!, as: UTF8.self) == "PK\r\n--not-the-boundary\r\nbytes", "chunk \(chunkSize)")
            #expect(String(decoding: fields["name"]!, as: UTF8.self) == "a")
            #expect(String(decoding: fields[":action"]!, as: UTF8.self) == "file_upload")
        }
        var truncated = MultipartParser(boundary: "wheelwrightboundary")
        _ = try truncated.feed(form.body.prefix(form.body.count - 10))
        #expect(throws: MultipartParser.Failure.self) { try truncated.finish() }
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"x y\"") == "x y")
        #expect(MultipartParser.boundary(fromContentType: "application/json") == nil)
    }

    @Test("content negotiation follows q-values; nothing acceptable is nil (406)")
    func negotiation() {
        #expect(SimpleFormat.negotiate("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01") == .json)
        #expect(SimpleFormat.negotiate("application/vnd.pypi.simple.v1+json; q=0.2, text/html") == .legacyHTML)
        #expect(SimpleFormat.negotiate("application/vnd.pypi.simple.v1+html") == .html)
        #expect(SimpleFormat.negotiate(nil) == .legacyHTML)
        #expect(SimpleFormat.negotiate("*/*") == .legacyHTML)
        #expect(SimpleFormat.negotiate("application/xml") == nil)
        #expect(SimpleFormat.negotiate("application/vnd.pypi.simple.v1+json; q=0") == nil)
    }

    @Test("HTML escapes every value", arguments: ["<script>", "a\"b", ">=3.8", "x&y'"])
    func escaping(value: String) {
        let escaped = SimplePages.escape(value)
        #expect(!escaped.contains("<") && !escaped.contains("\"") && !escaped.contains(">") && !escaped.contains("'"))
    }

    @Test("a full page cache drops the older half by the generation each page was last found current at: the pages asked for since stay")
    func pageCacheEviction() async throws {
        let changes = CatalogChanges(generation: 1)
        let cache = PageCache(byteCapacity: 450, changes: changes, registry: PrometheusCollectorRegistry())
        let (a, b) = (try IndexID("alice/a"), try IndexID("alice/b"))
        func keep(_ key: String, at generation: Int64) async throws {
            _ = try await cache.page(key, generation: generation, reads: PageReads.indices([a]), headers: { [:] }, render: { String(repeating: "x", count: 100) })
        }
        for key in ["p1", "p2", "p3", "p4"] { try await keep(key, at: 1) }
        changes.advance(.indices([b]))
        #expect(cache.hit("p1", generation: 2) != nil && cache.hit("p2", generation: 2) != nil)
        changes.advance(.indices([b]))
        #expect(cache.hit("p2", generation: 3) != nil)
        changes.advance(.indices([b]))
        try await keep("p5", at: 4)
        #expect(cache.hit("p1", generation: 4) != nil && cache.hit("p2", generation: 4) != nil && cache.hit("p5", generation: 4) != nil)
        #expect(cache.hit("p3", generation: 4) == nil && cache.hit("p4", generation: 4) == nil)
        // A write to what they read: stale, whatever is kept.
        changes.advance(.indices([a]))
        #expect(cache.hit("p1", generation: 5) == nil)
    }

    @Test("byte ranges")
    func ranges() {
        #expect(ByteRange.parse("bytes=0-9", size: 100) == 0...9)
        #expect(ByteRange.parse("bytes=90-", size: 100) == 90...99)
        #expect(ByteRange.parse("bytes=-10", size: 100) == 90...99)
        #expect(ByteRange.parse("bytes=100-", size: 100) == nil)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == nil)
    }
}

@Suite("Client address behind proxies")
struct ClientAddressTests {
    @Test("X-Forwarded-For is read right to left past trusted proxies only; a header a trusted proxy passed that cannot be read is refused, never the proxy's address")
    func resolution() {
        let trusted: Set = ["127.0.0.1", "10.0.0.2"]
        #expect(ClientAddress.resolve(peer: "192.0.2.9", forwardedFor: "203.0.113.7", trusted: trusted) == "192.0.2.9")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: nil, trusted: trusted) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "203.0.113.7", trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "1.2.3.4, 203.0.113.7, 10.0.0.2", trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "evil<script>, 203.0.113.7", trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "10.0.0.2, not-an-ip", trusted: trusted) == nil)
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "not-an-ip, 10.0.0.2", trusted: trusted) == nil)
        #expect(ClientAddress.resolve(peer: "192.0.2.9", forwardedFor: "not-an-ip", trusted: trusted) == "192.0.2.9", "not believed, so not read")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: "2001:DB8::0:1", trusted: trusted) == "2001:db8::1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: String(repeating: "1.1.1.1,", count: 1000), trusted: trusted) == nil)
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: String(repeating: "1.1.1.1,", count: 512), trusted: trusted) == "1.1.1.1")
        #expect(ClientAddress.canonical("::ffff:1.2.3.4") == "::ffff:1.2.3.4" && ClientAddress.canonical("1.2.3") == nil && ClientAddress.canonical("") == nil)
    }
}
