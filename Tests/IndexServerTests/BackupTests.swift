import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// `wheelwright export` while the server runs, `wheelwright import` into a fresh data
/// directory: the restored index serves the same bytes, with its users, tokens and yanks.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct BackupTests {
    @Test("export while serving → import into a fresh directory: every simple page byte-identical, pip installs, the token works; damage and reuse refused, the folder left as it was found")
    func exportImport() async throws {
        let folder = try TemporaryFolder()
        let server = try await TestServer()
        try await server.addAlice(indices: [("dev", ["volatile": false]), ("stage", ["volatile": true, "bases": ["alice/dev"]])])
        var files: [(String, String)] = []
        for (name, version, index) in [("saved", "1.0", "dev"), ("saved", "2.0", "dev"), ("other", "0.1", "stage")] {
            files.append((try await makeDistribution(in: folder, name, version, requiresPython: ">=3.8"), index))
        }
        files.append((try await makeDistribution(in: folder, "saved", "1.0", sdist: true), "dev"))
        for (file, index) in files {
            let upload = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(server.baseURL)/alice/\(index)/",
                                                                       "-u", "alice", file], environment: ["TWINE_PASSWORD": "alice-secret"])
            #expect(upload.status == 0, "\(upload.output)")
        }
        let yank = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+yank/saved-2.0-py3-none-any.whl", auth: TestServer.alice, ["yanked": true, "reason": "bad"])
        #expect(yank.status == 200, "\(yank.text)")
        let token = try await runToolSeparately(Repository.wheelwright, ["token", "create", "--server", server.baseURL, "--user", "alice",
                                                                         "--password-file", TestServer.secretFile("alice-secret")])
        #expect(token.status == 0, "\(token.errors)")

        // Taken while the server runs.
        let exported = try await runToolSeparately(Repository.wheelwright, ["export", folder.path("export"), "--data", server.data.path])
        #expect(exported.status == 0 && exported.output.contains("exported 4 files"), "\(exported.output) \(exported.errors)")
        let again = try await runToolSeparately(Repository.wheelwright, ["export", folder.path("export"), "--data", server.data.path])
        #expect(again.status != 0 && again.errors.contains("is not empty"), "\(again.errors)")

        let restoredData = folder.url.appendingPathComponent("restored")
        let imported = try await runToolSeparately(Repository.wheelwright, ["import", folder.path("export"), "--data", restoredData.path])
        #expect(imported.status == 0 && imported.output.contains("imported 4 files"), "\(imported.output) \(imported.errors)")
        let twice = try await runToolSeparately(Repository.wheelwright, ["import", folder.path("export"), "--data", restoredData.path])
        #expect(twice.status != 0 && twice.errors.contains("already holds an index"), "\(twice.errors)")

        let restored = try await TestServer(data: restoredData)
        let pages = ["/alice/dev/+simple/", "/alice/dev/+simple/saved/", "/alice/stage/+simple/", "/alice/stage/+simple/saved/",
                     "/alice/stage/+simple/other/"]
        for page in pages {
            for accept in ["text/html", "application/vnd.pypi.simple.v1+json"] {
                let before = try await HTTP.send(.GET, server.baseURL + page, headers: [("Accept", accept)])
                let after = try await HTTP.send(.GET, restored.baseURL + page, headers: [("Accept", accept)])
                #expect(before.status == 200 && after.status == 200 && before.body == after.body, "\(page) \(accept) differs after import")
            }
        }
        let pip = try await runTool(Repository.tool("pip"), ["download", "--no-deps", "-d", folder.path("pip"), "--index-url",
                                                             "\(restored.baseURL)/alice/stage/+simple/", "saved"])
        #expect(pip.status == 0 && pip.output.contains("saved-1.0"), "the yanked 2.0 is skipped: \(pip.output)")
        let byToken = try await runToolSeparately(Repository.wheelwright, ["token", "list", "--server", restored.baseURL],
                                                  environment: ["WHEELWRIGHT_TOKEN": token.output.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(byToken.status == 0 && byToken.output.contains("alice"), "the token authenticates on the restored index: \(byToken.errors)")

        // A damaged blob in the export: refused, and nothing imported.
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: folder.path("export/blobs")).filter { $0.count > 3 }
        let victim = folder.url.appendingPathComponent("export/blobs/\(try #require(blobs.first))")
        var bytes = try Data(contentsOf: victim)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: victim)
        let damaged = try await runToolSeparately(Repository.wheelwright, ["import", folder.path("export"), "--data", folder.path("second")])
        #expect(damaged.status != 0 && damaged.errors.contains("damaged") && damaged.errors.contains("was not imported"), "\(damaged.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("second")), "a folder the import made is gone")
        // Into a folder that exists and holds a file of its own: left as it was found.
        try FileManager.default.createDirectory(atPath: folder.path("third/notes"), withIntermediateDirectories: true)
        try "mine\n".write(toFile: folder.path("third/notes/keep.txt"), atomically: true, encoding: .utf8)
        let intoUsed = try await runToolSeparately(Repository.wheelwright, ["import", folder.path("export"), "--data", folder.path("third")])
        #expect(intoUsed.status != 0, "\(intoUsed.errors)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: folder.path("third")).sorted() == ["notes", "notes/keep.txt"])
    }
}
