import Foundation
@testable import IndexStore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A hostile devpi-export dump or export: names that are not names, files that reach outside the
/// dump through links or are no files at all, column names that would leave their quotes. Nothing
/// of it is stored, followed or run.
@Suite("devpi dump and export, hostile")
struct DevpiImportTests {
    @Test("import-devpi follows no link out of the dump, copies no device or FIFO, and stores no invalid user or acl_upload name")
    func hostileDump() async throws {
        let folder = try TemporaryFolder()
        let dump = folder.url.appendingPathComponent("dump")
        let outside = folder.url.appendingPathComponent("outside")
        let fm = FileManager.default
        try fm.createDirectory(at: dump.appendingPathComponent("good/dev"), withIntermediateDirectories: true)
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("not a wheel".utf8).write(to: outside.appendingPathComponent("secret-1.0-py3-none-any.whl"))
        try fm.createSymbolicLink(atPath: dump.appendingPathComponent("good/dev/escape").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: dump.appendingPathComponent("good/dev/zero-1.0-py3-none-any.whl").path, withDestinationPath: "/dev/zero")
        #expect(mkfifo(dump.appendingPathComponent("good/dev/fifo-1.0-py3-none-any.whl").path, 0o600) == 0)
        func file(_ project: String, _ relpath: String) -> [String: Any] {
            ["type": "releasefile", "projectname": project, "version": "1.0", "relpath": relpath,
             "entrymapping": ["hash_spec": "sha256=" + String(repeating: "0", count: 64)]]
        }
        let index: [String: Any] = [
            "indexconfig": ["type": "stage", "volatile": false, "bases": [], "acl_upload": ["good", "bad/acl", "<i>x</i>", "ok-user"]],
            "files": [file("secret", "good/dev/escape/secret-1.0-py3-none-any.whl"), file("zero", "good/dev/zero-1.0-py3-none-any.whl"),
                      file("fifo", "good/dev/fifo-1.0-py3-none-any.whl"), file("up", "good/dev/../../../outside/secret-1.0-py3-none-any.whl")],
        ]
        let dataindex: [String: Any] = ["dumpversion": "2", "users": ["good": [:], "bad/user": [:], "<b>x</b>": [:]], "indexes": ["good/dev": index]]
        try JSONSerialization.data(withJSONObject: dataindex).write(to: dump.appendingPathComponent("dataindex.json"))

        let service = try await IndexService(directory: folder.url.appendingPathComponent("data"))
        let summary = try await DevpiImport(service: service, dump: dump).run()
        #expect(summary.usersCreated == 1 && summary.filesStored == 0, "\(summary)")
        #expect(summary.refused.count == 4, "\(summary.refused)")
        #expect(summary.refused.filter { $0.contains("leaves the dump's folder") }.count == 3, "\(summary.refused)")
        #expect(summary.refused.contains { $0.contains("fifo") && $0.contains("not a regular file") }, "\(summary.refused)")
        #expect(summary.notes.contains { $0.contains("\"bad/acl\" dropped") } && summary.notes.contains { $0.contains("\"<i>x</i>\" dropped") }, "\(summary.notes)")
        #expect(summary.notes.contains { $0.contains("\"bad/user\" not imported") }, "\(summary.notes)")
        let settings = try await #require(try service.catalog.settings(of: try IndexID("good/dev")))
        #expect(settings.aclUpload == ["ok-user"], "\(settings.aclUpload)")
    }

    @Test("a copied catalog's column names reach an INSERT only as plain identifiers", arguments: [
        ("sha256", true), ("uploadTime", true), ("_x1", true), ("", false), ("1abc", false), ("x\") VALUES (1); DROP TABLE file; --", false),
        ("a b", false), ("naïve", false), (String(repeating: "a", count: 64), false),
    ])
    func columnNames(name: String, plain: Bool) {
        #expect(Catalog.isPlainIdentifier(name) == plain)
    }
}
