import Foundation
import IndexAPI
import TestSupport
import Testing

/// The wire contract's parsers: what a client sends is accepted only in its schema, and the
/// error names the field.
@Suite("IndexAPI parsers")
struct IndexAPITests {
    static let provenance = #"{"target": "debian-12", "python": "3.11", "runner": "rootfs (bubblewrap)", "sdist": "demo-1.0.tar.gz", "sdist_sha256": "\#(String(repeating: "a", count: 64))", "seconds": 2, "builder": "wheelwright", "built_at": "2026-11-30T00:00:00Z", "platform_tag": "any"}"#

    @Test("provenance: the schema, server-derived keys refused, a round trip through its stored form")
    func provenance() throws {
        let parsed = try Provenance(validating: Self.provenance)
        #expect(parsed.target == "debian-12" && parsed.seconds == 2)
        #expect(try Provenance(validating: parsed.json) == parsed)
        // A repaired wheel's libraries: the SBOM's start, kept through the stored form and shown on pages.
        let repaired = try Provenance(validating: Self.provenance.replacingOccurrences(of: "}", with: #", "repair": "graft", "libraries": [{"soname": "libyaml-0.so.2", "package": "libyaml-0-2", "version": "0.2.5-1", "license": "Expat"}]}"#))
        #expect(try repaired.libraries?.first?.package == "libyaml-0-2" && Provenance(validating: repaired.json) == repaired)
        #expect(repaired.fields.contains { $0.key == "libraries" && $0.value == "libyaml-0.so.2 (libyaml-0-2 0.2.5-1, Expat)" })
        let cases: [(String, String)] = [
            (Self.provenance.replacingOccurrences(of: "}", with: #", "log_sha256": "../x"}"#), "provenance.log_sha256 is set by the server"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "extra": 1}"#), "provenance.extra is not a provenance key"),
            (Self.provenance.replacingOccurrences(of: #""seconds": 2"#, with: #""seconds": true"#), "provenance.seconds must be a number"),
            (Self.provenance.replacingOccurrences(of: #""seconds": 2"#, with: #""seconds": -1"#), "provenance.seconds must be a number"),
            (Self.provenance.replacingOccurrences(of: #""target": "debian-12""#, with: #""target": 12"#), "provenance.target must be a string"),
            (Self.provenance.replacingOccurrences(of: #""target": "debian-12""#, with: #""target": "a\nb""#), "provenance.target contains control characters"),
            (Self.provenance.replacingOccurrences(of: String(repeating: "a", count: 64), with: "../../etc/passwd"), "provenance.sdist_sha256 must be 64"),
            ("[]", "provenance is not a JSON object"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "repair": "magic"}"#), "provenance.repair must be \"graft\" or \"system\""),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "libraries": "libyaml"}"#), "provenance.libraries must be a list"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "libraries": [1]}"#), "provenance.libraries[0] must be an object"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "libraries": [{"soname": "a", "path": "/x"}]}"#), "provenance.libraries[0].path is not a library key"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "libraries": [{"package": "a"}]}"#), "provenance.libraries[0].soname is missing"),
            (Self.provenance.replacingOccurrences(of: "}", with: #", "libraries": [{"soname": "a\nb"}]}"#), "provenance.libraries[0].soname must be a line"),
            (Self.provenance.replacingOccurrences(of: "}", with: ", \"libraries\": [" + Array(repeating: #"{"soname": "a"}"#, count: 65).joined(separator: ",") + "]}"),
             "provenance.libraries lists more than 64"),
            (#"{"target": "x"}"#, "provenance.python is missing"),
        ]
        for (document, message) in cases {
            #expect(throws: SchemaError.self) { try Provenance(validating: document) }
            do {
                _ = try Provenance(validating: document)
            } catch {
                #expect(error.description.hasPrefix(message), "\(error.description)")
            }
        }
    }

    @Test("JSON bodies: unknown keys and wrong types name the key; devpi's string booleans and comma lists")
    func jsonBodies() throws {
        let allowed: Set<String> = ["volatile", "bases", "password"]
        let body = try JSONObject(parsing: Array(#"{"volatile": "True", "bases": "a/b, c/d", "password": null}"#.utf8), allowed: allowed)
        #expect(try body.bool("volatile") == true)
        #expect(try body.stringList("bases") == ["a/b", "c/d"])
        #expect(try body.string("password") == nil)
        #expect(try JSONObject(parsing: [], allowed: allowed).keys.isEmpty)
        #expect(throws: SchemaError(field: "volatil", "is not a setting of this resource (known: bases, password, volatile)")) {
            try JSONObject(parsing: Array(#"{"volatil": true}"#.utf8), allowed: allowed)
        }
        for (text, key) in [(#"{"volatile": "yes"}"#, "volatile"), (#"{"volatile": 1}"#, "volatile"), (#"{"bases": [1]}"#, "bases"), (#"{"password": []}"#, "password")] {
            let object = try JSONObject(parsing: Array(text.utf8), allowed: allowed)
            #expect(throws: SchemaError.self, "\(text)") {
                _ = try object.bool("volatile")
                _ = try object.stringList("bases")
                _ = try object.string("password")
            }
            _ = key
        }
        #expect(throws: SchemaError.self) { try JSONObject(parsing: Array("[1, 2]".utf8), allowed: allowed) }
    }

    @Test("query strings: decoding, the first value wins, numbers only within their range")
    func queries() throws {
        let query = try RequestQuery("filter=a+b%21&page=3&page=4")
        let page = try query.integer("page", in: 1...10)
        #expect(query["filter"] == "a b!" && page == 3)
        for bad in ["page=9223372036854775807", "page=-1", "page=0", "page=1e3", "page=%31%30%30"] {
            #expect(throws: SchemaError.self, "\(bad)") { try RequestQuery(bad).integer("page", in: 1...99) }
        }
        #expect(throws: SchemaError.self) { try RequestQuery("x=%zz") }
        #expect(throws: SchemaError.self) { try RequestQuery("x=%FF") }
        #expect(throws: SchemaError.self) { try RequestQuery(String(repeating: "a=1&", count: 65)) }
    }

    @Test("basic credentials and byte ranges are bounded")
    func credentialsAndRanges() {
        #expect(BasicCredentials.parse("Basic " + Data("alice:pw:with:colons".utf8).base64EncodedString())! == ("alice", "pw:with:colons"))
        #expect(BasicCredentials.parse("Basic " + Data(":pw".utf8).base64EncodedString()) == nil)
        #expect(BasicCredentials.parse("Basic " + Data("a\u{0}b:pw".utf8).base64EncodedString()) == nil)
        #expect(BasicCredentials.parse("Basic " + String(repeating: "A", count: 5000)) == nil)
        #expect(BasicCredentials.parse("Bearer abc") == nil)
        #expect(ByteRange.parse("bytes=-9223372036854775808", size: 100) == nil)
        #expect(ByteRange.parse("bytes=0-9223372036854775807", size: 100) == nil)
        #expect(ByteRange.parse("bytes=0-99999999999999999", size: 100) == 0...99)
        #expect(ByteRange.parse("bytes=+1-2", size: 100) == nil)
    }

    @Test("the committed fuzz corpus replays through every parser without a trap")
    func corpus() async throws {
        let replay = try await runTool(Repository.root.appendingPathComponent(".build/debug/wheelwright-fuzz").path,
                                       [Repository.root.appendingPathComponent("Fuzz/corpus").path])
        #expect(replay.status == 0, "\(replay.output)")
        #expect(replay.output.contains("replayed"), "\(replay.output)")
    }
}
