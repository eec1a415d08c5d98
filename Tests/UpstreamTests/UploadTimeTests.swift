import Foundation
import Testing
@testable import Upstream

@Suite("PEP 700 upload times")
struct UploadTimeTests {
    @Test("the PEP's form, with or without a fraction of a second")
    func parses() {
        #expect(UploadTime.parse("2026-12-01T10:20:30Z") == Date(timeIntervalSince1970: 1_796_120_430))
        #expect(UploadTime.parse("2026-12-01T10:20:30.123456Z") == Date(timeIntervalSince1970: 1_796_120_430))
        #expect(UploadTime.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
    }

    @Test("anything else is no time", arguments: [
        "", "2026-12-01", "2026-12-01T10:20:30", "2026-12-01T10:20:30+00:00", "2026-12-01 10:20:30Z", "2026-13-01T10:20:30Z",
        "2026-02-30T10:20:30Z", "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:20:30.Z", "2026-12-01T10:20:30.12aZ",
        "１２３４-12-01T10:20:30Z", "-026-12-01T10:20:30Z", "2026-12-01T10:20:30.1234567890123456789012Z", "1969-12-31T23:59:59Z",
    ])
    func refuses(text: String) {
        #expect(UploadTime.parse(text) == nil, "\(text)")
    }

    @Test("a JSON page's upload-time becomes the file's; a value of another kind leaves the page readable without it")
    func onPages() throws {
        let json = #"{"meta": {"api-version": "1.1"}, "name": "a", "files": [{"filename": "a-1.tar.gz", "url": "a-1.tar.gz", "hashes": {}, "upload-time": "2026-12-01T10:20:30Z"}, {"filename": "a-2.tar.gz", "url": "a-2.tar.gz", "hashes": {}, "upload-time": 17}]}"#
        let page = try ProjectPage.json(Data(json.utf8), pageURL: URL(string: "https://example.org/simple/a/")!)
        #expect(page.files.map(\.uploadTime) == [Date(timeIntervalSince1970: 1_796_120_430), nil])
    }
}
