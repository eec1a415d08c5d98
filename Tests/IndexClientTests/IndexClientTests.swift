import Foundation
import IndexAPI
import IndexClient
import NIOHTTP1
import PythonPackaging
import TestSupport
import Testing

/// The client against the real server: every typed call, an upload serialized by multipart-kit,
/// and errors that carry the server's status and message.
@Suite("IndexClient", .serialized)
final class IndexClientTests {
    let server: LocalIndex
    let folder: TemporaryFolder

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
    }

    @Test("management: users, indices, tokens, yanks; exists and files say 'missing' as nil or false")
    func management() async throws {
        let root = IndexClient(server: server.baseURL + "/", user: "root", password: TestServer.rootPassword)
        try await root.createUser("carol", UserRequest(password: "carol-secret"))
        let carol = IndexClient(server: server.baseURL, user: "carol", password: "carol-secret")
        try await carol.createIndex("carol/dev", IndexRequest(type: "stage", bases: [], volatile: false, aclUpload: ["carol"]))
        #expect(try await carol.exists("/carol/dev"))
        #expect(try await !carol.exists("/carol/nope"))
        #expect(try await carol.files(in: "carol/nope") == nil)
        #expect(try await carol.files(in: "carol/dev")?.isEmpty == true)
        #expect(try await root.users()["carol"]?.indexes?["dev"]?.volatile == false)

        let wheel = try await makeDistribution(in: folder, "client-demo", "1.0")
        let filename = try WheelFilename(URL(fileURLWithPath: wheel).lastPathComponent)
        let provenance = Provenance(
            target: "debian-12", os: "debian 12", python: "3.11", pythonFull: "3.11.2", glibc: "2.36", compiler: "gcc 12",
            runner: "rootfs", sdist: "client-demo-1.0.tar.gz", sdistSHA256: String(repeating: "a", count: 64), seconds: 1.5,
            builder: "wheelwright", builtAt: "2026-11-30T10:00:00Z", platformTag: "any", auditReason: nil
        )
        let upload = Upload(filename: filename, content: try [UInt8](Data(contentsOf: URL(fileURLWithPath: wheel))),
                            provenance: provenance, buildLog: Array("built\n".utf8))
        try await carol.upload(upload, to: "carol/dev")
        try await carol.upload(upload, to: "carol/dev")
        let files = try #require(try await carol.files(in: "carol/dev"))
        #expect(files.map(\.filename) == [filename.description] && files.first?.provenance?.target == "debian-12")
        let log = try await HTTP.send(.GET, "\(server.baseURL)/carol/dev/+log/\(filename.description)")
        #expect(log.text == "built\n")

        let token = try await carol.createToken(TokenRequest(indices: ["carol/dev"]))
        let scoped = IndexClient(server: server.baseURL, token: token.token)
        try await scoped.yank(filename.description, in: "carol/dev", YankRequest(yanked: true, reason: "broken"))
        #expect(try await carol.files(in: "carol/dev")?.first?.yanked == true)
        try await carol.revokeToken(id: token.id)
        await #expect { try await scoped.yank(filename.description, in: "carol/dev", YankRequest(yanked: false, reason: nil)) } throws: { error in
            (error as? IndexClientError)?.status == 401
        }
    }

    @Test("refusals carry status and message; 4xx is final, 5xx and an unreachable server are transient")
    func errors() async throws {
        let anonymous = IndexClient(server: server.baseURL)
        await #expect { try await anonymous.createUser("mallory", UserRequest(password: "x")) } throws: { error in
            guard let error = error as? IndexClientError else { return false }
            return error.status == 401 && !error.isTransient && error.description.hasPrefix("\(self.server.baseURL)/mallory: 401 ")
        }
        let nowhere = IndexClient(server: "http://127.0.0.1:9", timeout: .seconds(2))
        await #expect { try await nowhere.users() } throws: { error in
            guard let error = error as? IndexClientError else { return false }
            return error.status == nil && error.isTransient && error.message.hasPrefix("nothing answers there (connection refused): start the index with `wheelwright serve`")
        }
        #expect(IndexClientError(server: "s", path: "/p", message: "m", status: 503).isTransient)
    }
}
