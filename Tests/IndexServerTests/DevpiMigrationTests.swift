import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Migration from a running devpi: a real devpi-server (6.20.3, from .venv) filled by devpi-client,
/// exported with devpi-export, imported with `wheelwright import-devpi`, then installed from.
@Suite("devpi migration", .serialized)
final class DevpiMigrationTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test("devpi-export → import-devpi: users (without a password until set: root at serve, alice by root), indices with bases and volatility, every file; again: no change; a tampered file refused, exit 1; pip installs from the result")
    func roundTrip() async throws {
        let devpiServer = try await DevpiServer(in: folder)
        let (url, serverdir) = (devpiServer.url, devpiServer.serverdir)

        let client = ["DEVPI_CLIENTDIR": folder.path("client"), "HOME": folder.url.path]
        func devpi(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await runTool(Repository.tool("devpi"), arguments, environment: client)
        }
        #expect(try await devpi(["use", url]).status == 0)
        #expect(try await devpi(["login", "root", "--password", "devpi-root"]).status == 0)
        #expect(try await devpi(["user", "-c", "alice", "password=alice-devpi", "email=alice@example.com"]).status == 0)
        #expect(try await devpi(["login", "alice", "--password", "alice-devpi"]).status == 0)
        #expect(try await devpi(["index", "-c", "prod", "volatile=False"]).status == 0)
        #expect(try await devpi(["index", "-c", "dev", "volatile=True", "bases=alice/prod"]).status == 0)
        #expect(try await devpi(["use", "alice/prod"]).status == 0)
        var wheels: [String] = []
        for (name, version) in [("pawesome", "1.0"), ("pawesome", "2.0"), ("helper", "0.1")] {
            wheels.append(try await makeDistribution(in: folder, name, version))
        }
        let uploaded = try await devpi(["upload"] + wheels)
        #expect(uploaded.status == 0, "\(uploaded.output)")
        devpiServer.stop()

        let dump = folder.path("dump")
        let exported = try await runTool(Repository.tool("devpi-export"), ["--serverdir", serverdir, dump])
        #expect(exported.status == 0, "\(exported.output)")

        let data = folder.url.appendingPathComponent("wheelwright-data")
        let imported = try await runTool(Repository.wheelwright, ["import-devpi", dump, "--data", data.path])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("users: 2 created") && imported.output.contains("indices: 2 created")
                && imported.output.contains("files: 3 stored, 0 already there"), "\(imported.output)")
        #expect(imported.output.contains("without a password until one is set: alice, root"), "\(imported.output)")
        let again = try await runTool(Repository.wheelwright, ["import-devpi", dump, "--data", data.path])
        #expect(again.status == 0 && again.output.contains("files: 0 stored, 3 already there"), "\(again.output)")

        // A dump whose file was changed after the export: refused, named, exit 1.
        let tampered = folder.path("tampered")
        try FileManager.default.copyItem(atPath: dump, toPath: tampered)
        let victim = try #require(FileManager.default.enumerator(atPath: tampered)?.compactMap { $0 as? String }.first { $0.hasSuffix("helper-0.1-py3-none-any.whl") })
        let handle = try #require(FileHandle(forWritingAtPath: tampered + "/" + victim))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("tampered".utf8))
        try handle.close()
        let refused = try await runTool(Repository.wheelwright, ["import-devpi", tampered, "--data", folder.path("other-data")])
        #expect(refused.status == 1 && refused.output.contains("refused: alice/prod: ") && refused.output.contains("sha256_digest does not match"), "\(refused.output)")
        #expect(refused.output.contains("files: 2 stored"), "\(refused.output)")

        // The imported index serves installers, with its settings kept.
        let server = try await TestServer(data: data)
        // root's password came from WHEELWRIGHT_ROOT_PASSWORD at the first start; alice has none
        // until root gives her one.
        let root = HTTP.basic("root", TestServer.rootPassword)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/root", auth: root, [:]).status == 200)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: HTTP.basic("alice", ""), [:]).status == 401)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: HTTP.basic("alice", "!"), [:]).status == 401)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: root, ["password": "alice-wheelwright"]).status == 200)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: HTTP.basic("alice", "alice-wheelwright"), [:]).status == 200)
        let settings = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev", headers: [("Accept", "application/json")])
        let config = settings.json["result"] as? [String: Any]
        #expect(config?["volatile"] as? Bool == true && config?["bases"] as? [String] == ["alice/prod"])
        let out = folder.path("downloaded")
        let pip = try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "-d", out, "--index-url", "\(server.baseURL)/alice/dev", "pawesome"])
        #expect(pip.status == 0, "\(pip.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["pawesome-2.0-py3-none-any.whl"])
    }
}
