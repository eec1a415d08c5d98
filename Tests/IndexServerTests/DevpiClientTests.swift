import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// devpi's own client (devpi-client 7.3.0, a real process) against the real server, as the
/// company's people and CI scripts use it.
@Suite("devpi-client", .serialized)
final class DevpiClientTests {
    let server: LocalIndex
    let folder: TemporaryFolder

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
    }

    /// Runs `devpi ARGUMENTS` with its own client folder; the output without the client's notices.
    func devpi(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("devpi"), arguments, environment: ["DEVPI_CLIENTDIR": folder.path("client"), "HOME": folder.url.path])
    }

    @Test("use, login, user -c/-l, index -c (volatile=True gives a volatile index)/-l/modify, upload (wheel, sdist, --from-dir), test (fetches; tox absent), list, list NAME, getjson, logoff")
    func sequence() async throws {
        let use = try await devpi(["use", server.baseURL])
        #expect(use.status == 0 && use.output.contains("using server: \(server.baseURL)/ (not logged in)"), "\(use.output)")
        #expect(!use.output.contains("unversioned reply"), "\(use.output)")
        #expect(try await devpi(["login", "root", "--password", "wrong"]).status != 0)
        let login = try await devpi(["login", "root", "--password", TestServer.rootPassword])
        #expect(login.status == 0 && login.output.contains("logged in 'root'"), "\(login.output)")
        #expect(try await devpi(["user", "-c", "carol", "password=carol-secret", "email=carol@example.com"]).status == 0)
        let users = try await devpi(["user", "-l"])
        #expect(users.output.contains("carol") && users.output.contains("root"), "\(users.output)")
        #expect(try await devpi(["logoff"]).status == 0)
        #expect(try await devpi(["login", "carol", "--password", "carol-secret"]).status == 0)

        let created = try await devpi(["index", "-c", "stage", "volatile=True"])
        #expect(created.status == 0 && created.output.contains("volatile=True"), "\(created.output)")
        let settings = try await HTTP.send(.GET, "\(server.baseURL)/carol/stage", headers: [("Accept", "application/json")])
        #expect((settings.json["result"] as? [String: Any])?["volatile"] as? Bool == true)
        let modified = try await devpi(["index", "stage", "volatile=False"])
        #expect(modified.status == 0 && modified.output.contains("volatile=False"), "\(modified.output)")
        #expect(try await devpi(["index", "-l"]).output.contains("carol/stage"))

        #expect(try await devpi(["use", "carol/stage"]).status == 0)
        let wheel = try await makeDistribution(in: folder, "pawesome", "1.0")
        let upload = try await devpi(["upload", wheel])
        #expect(upload.status == 0 && upload.output.contains("file_upload of pawesome-1.0-py3-none-any.whl"), "\(upload.output)")
        let sdist = try await devpi(["upload", try await makeDistribution(in: folder, "pawesome", "1.0", sdist: true)])
        #expect(sdist.status == 0 && sdist.output.contains("file_upload of pawesome-1.0.tar.gz"), "\(sdist.output)")
        // --from-dir: every distribution under a folder (devpi-builder's and CI's way).
        let release = try TemporaryFolder()
        for (name, version, isSdist) in [("gadget", "0.1", false), ("gadget", "0.2", false), ("gadget", "0.2", true)] {
            _ = try await makeDistribution(in: release, name, version, sdist: isSdist)
        }
        let fromDir = try await devpi(["upload", "--from-dir", release.url.path])
        #expect(fromDir.status == 0, "\(fromDir.output)")
        for filename in ["gadget-0.1-py3-none-any.whl", "gadget-0.2-py3-none-any.whl", "gadget-0.2.tar.gz"] {
            #expect(fromDir.output.contains("file_upload of \(filename)"), "\(fromDir.output)")
        }
        // devpi test: the sdist is found, downloaded and unpacked from here; running it needs tox,
        // and its results would be posted back, which this index does not keep.
        let tested = try await devpi(["test", "pawesome"])
        #expect(tested.status != 0 && tested.output.contains("received \(server.baseURL.replacingOccurrences(of: "://", with: "://carol:****@"))/carol/stage/+f/")
                && tested.output.contains("unpacking") && tested.output.contains("no tox binary found"), "\(tested.output)")
        let gadget = try await HTTP.send(.GET, "\(server.baseURL)/carol/stage/+simple/gadget/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect((gadget.json["files"] as? [[String: Any]])?.count == 3, "\(gadget.text)")
        #expect(try await devpi(["list"]).output.contains("pawesome"))
        let files = try await devpi(["list", "pawesome"])
        #expect(files.status == 0 && files.output.contains("\(server.baseURL)/carol/stage/+f/") && files.output.contains("pawesome-1.0-py3-none-any.whl"), "\(files.output)")
        let json = try await devpi(["getjson", "/carol/stage/pawesome"])
        #expect(json.output.contains("\"type\": \"projectconfig\"") && json.output.contains("\"hash_spec\": \"sha256="), "\(json.output)")
        #expect(try await devpi(["logoff"]).status == 0)
        let anonymous = try await devpi(["upload", wheel])
        #expect(anonymous.status != 0, "\(anonymous.output)")
    }

    @Test("user -m (email), passwd, index --delete (volatile: gone; non-volatile: 403), user --delete (403 while a non-volatile index is theirs)")
    func accounts() async throws {
        _ = try await devpi(["use", server.baseURL])
        _ = try await devpi(["login", "root", "--password", TestServer.rootPassword])
        #expect(try await devpi(["user", "-c", "erin", "password=erin-secret"]).status == 0)
        #expect(try await devpi(["user", "-c", "temp", "password=temp-secret"]).status == 0)
        _ = try await devpi(["logoff"])
        _ = try await devpi(["login", "erin", "--password", "erin-secret"])
        let email = try await devpi(["user", "-m", "erin", "email=erin@example.com"])
        #expect(email.status == 0, "\(email.output)")
        let shown = try await HTTP.send(.GET, "\(server.baseURL)/erin", headers: [("Accept", "application/json")])
        #expect((shown.json["result"] as? [String: Any])?["email"] as? String == "erin@example.com")
        let passwd = try await runTool("/bin/sh", ["-c", "printf 'erin-new-secret\\nerin-new-secret\\n' | \(Repository.tool("devpi")) passwd erin"],
                                       environment: ["DEVPI_CLIENTDIR": folder.path("client"), "HOME": folder.url.path])
        #expect(passwd.status == 0, "\(passwd.output)")
        #expect(try await devpi(["login", "erin", "--password", "erin-secret"]).status != 0)
        #expect(try await devpi(["login", "erin", "--password", "erin-new-secret"]).status == 0)

        #expect(try await devpi(["index", "-c", "scratch", "volatile=True"]).status == 0)
        #expect(try await devpi(["index", "-c", "keep", "volatile=False"]).status == 0)
        let gone = try await devpi(["index", "--delete", "-y", "erin/scratch"])
        #expect(gone.status == 0 && gone.output.contains("index deleted"), "\(gone.output)")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/erin/scratch", headers: [("Accept", "application/json")]).status == 404)
        let kept = try await devpi(["index", "--delete", "-y", "erin/keep"])
        #expect(kept.status != 0 && kept.output.contains("403") && kept.output.contains("non-volatile"), "\(kept.output)")

        _ = try await devpi(["logoff"])
        _ = try await devpi(["login", "root", "--password", TestServer.rootPassword])
        let refused = try await devpi(["user", "--delete", "-y", "erin"])
        #expect(refused.status != 0 && refused.output.contains("non-volatile index erin/keep"), "\(refused.output)")
        let deleted = try await devpi(["user", "--delete", "-y", "temp"])
        #expect(deleted.status == 0 && deleted.output.contains("user deleted: temp"), "\(deleted.output)")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/temp", headers: [("Accept", "application/json")]).status == 404)
    }

    @Test("staging to production: push (identical bytes again: no change; other bytes: 409; no right to upload: 403; no such release: 404), remove on a volatile index, 403 on a non-volatile one naming the yank and status commands, bad settings refused")
    func releaseWorkflow() async throws {
        _ = try await devpi(["use", server.baseURL])
        _ = try await devpi(["login", "root", "--password", TestServer.rootPassword])
        _ = try await devpi(["user", "-c", "dana", "password=dana-secret"])
        #expect(try await devpi(["index", "-c", "root/locked"]).status == 0)
        _ = try await devpi(["logoff"])
        _ = try await devpi(["login", "dana", "--password", "dana-secret"])
        let badBoolean = try await devpi(["index", "-c", "odd", "volatile=yes"])
        #expect(badBoolean.status != 0 && badBoolean.output.contains("volatile"), "\(badBoolean.output)")
        #expect(try await devpi(["index", "-c", "staging", "volatile=True"]).status == 0)
        #expect(try await devpi(["index", "-c", "prod", "volatile=False"]).status == 0)
        _ = try await devpi(["use", "dana/staging"])
        let first = try await makeDistribution(in: folder, "promoted", "1.0", payload: "first")
        #expect(try await devpi(["upload", first]).status == 0)

        let push = try await devpi(["push", "promoted==1.0", "dana/prod"])
        #expect(push.status == 0 && push.output.contains("store_releasefile dana/prod/+f/"), "\(push.output)")
        let again = try await devpi(["push", "promoted==1.0", "dana/prod"])
        #expect(again.status == 0 && again.output.contains("unchanged"), "\(again.output)")
        let page = try await HTTP.send(.GET, "\(server.baseURL)/dana/prod/+simple/promoted/")
        #expect(page.text.contains("promoted-1.0-py3-none-any.whl"))

        let removed = try await devpi(["remove", "-y", "promoted==1.0"])
        #expect(removed.status == 0 && removed.output.contains("deleting release 1.0 of promoted"), "\(removed.output)")
        let second = try await makeDistribution(in: folder, "promoted", "1.0", payload: "second")
        #expect(try await devpi(["upload", second]).status == 0)
        let conflict = try await devpi(["push", "promoted==1.0", "dana/prod"])
        #expect(conflict.status != 0 && conflict.output.contains("409") && conflict.output.contains("already exists"), "\(conflict.output)")
        let forbidden = try await devpi(["push", "promoted==1.0", "root/locked"])
        #expect(forbidden.status != 0 && forbidden.output.contains("403"), "\(forbidden.output)")
        let missing = try await devpi(["push", "promoted==9.9", "dana/prod"])
        #expect(missing.status != 0 && missing.output.contains("404"), "\(missing.output)")

        _ = try await devpi(["use", "dana/prod"])
        let kept = try await devpi(["remove", "-y", "promoted"])
        #expect(kept.status != 0 && kept.output.contains("403") && kept.output.contains("non-volatile"), "\(kept.output)")
        // The refusal says how to do what the remover wanted: yank each file, or withdraw the project.
        #expect(kept.output.contains("wheelwright yank dana/prod promoted-1.0") && kept.output.contains("--reason TEXT")
                && kept.output.contains("wheelwright status promoted quarantined --index dana/prod --reason TEXT"), "\(kept.output)")
        let stillThere = try await HTTP.send(.GET, "\(server.baseURL)/dana/prod/+simple/promoted/")
        #expect(stillThere.status == 200)

        // The same workflow through wheelwright's own command.
        _ = try await devpi(["use", "dana/staging"])
        #expect(try await devpi(["upload", try await makeDistribution(in: folder, "promoted", "2.0")]).status == 0)
        let credentials = ["--server", server.baseURL, "--user", "dana", "--password-file", TestServer.secretFile("dana-secret")]
        let promoted = try await runTool(Repository.wheelwright, ["push", "promoted==2.0", "dana/staging", "dana/prod"] + credentials)
        #expect(promoted.status == 0 && promoted.output.contains("200 store_releasefile dana/prod/+f/"), "\(promoted.output)")
        let clash = try await runTool(Repository.wheelwright, ["push", "promoted==1.0", "dana/staging", "dana/prod"] + credentials)
        #expect(clash.status != 0 && clash.output.contains("409") && clash.output.contains("already exists"), "\(clash.output)")
        #expect(try await runTool(Repository.wheelwright, ["push", "promoted", "dana/staging", "dana/prod"] + credentials).status != 0)
    }
}
