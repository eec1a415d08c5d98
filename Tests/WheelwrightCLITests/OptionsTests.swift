import ArgumentParser
import Builder
import Foundation
import IndexAPI
import IndexClient
import Runners
import SiteConfiguration
import TestSupport
import Workspace
import YAMLFiles
import Testing
@testable import WheelwrightCLI

/// The command line's own job, in process: flags become settings, over the config file, over
/// the defaults; a bad config file is a usage error naming its place.
@Suite("Command-line options")
struct OptionsTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
        try "server: http://configured:4040\nbinary-index: company/{target}\njobs: 3\ntimeout: 600\n"
            .write(toFile: folder.path("wheelwright.yaml"), atomically: true, encoding: .utf8)
    }

    @Test("every command that opens the index defaults to one folder, the builder's data folder's index/ (make run serves it there): plain serve after make run finds its catalog")
    func indexFolder() throws {
        let index = DefaultFolders.index
        #expect(index == DefaultFolders.data + "/index")
        #expect(try Wheelwright.Serve.parse([]).data == index && Wheelwright.Fsck.parse([]).data == index)
        #expect(try Wheelwright.Export.parse(["out"]).data == index && Wheelwright.Import.parse(["in"]).data == index)
        #expect(try Wheelwright.ImportDevpi.parse(["dump"]).data == index && Wheelwright.AdminCommand.ResetPassword.parse(["alice"]).data == index)
        let makeRun = try String(contentsOf: Repository.root.appendingPathComponent("tools/make-run.sh"), encoding: .utf8)
        #expect(makeRun.contains(#"serve --data "$data/index""#) && makeRun.contains("data=${WHEELWRIGHT_DATA:-$HOME/.local/share/wheelwright}"))
    }

    @Test("an index made before the default moved to index/ is not passed over for a new, empty one: serve, fsck and export say where it is and how to go on")
    func indexBeforeTheMove() async throws {
        let old = folder.path("share/wheelwright")
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: old + "/catalog.sqlite", contents: Data())
        for arguments in [["fsck"], ["export", folder.path("out")], ["serve", "--port", "0"]] {
            let run = try await runToolSeparately(Repository.wheelwright, arguments, environment: ["XDG_DATA_HOME": folder.path("share")])
            #expect(run.status == 64 && run.errors.contains("the index's data is in \(old) (catalog.sqlite)") && run.errors.contains("--data \(old)"),
                    "\(arguments): \(run.status) \(run.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: old + "/index/catalog.sqlite"), "no new catalog was made")
    }

    @Test("a whitelist folder's files: *.yaml and *.yml, not hidden files, backups or editors' copies; a file named is read whatever its name")
    func whitelistFiles() throws {
        let whitelists = folder.path("whitelists")
        try FileManager.default.createDirectory(atPath: whitelists, withIntermediateDirectories: true)
        for name in ["example.yaml", "tools.yml", "example.orig.yaml", "example.bak.yml", ".example.yaml.swp", ".hidden.yaml", "notes.txt", "draft.yaml~", "x.rej.yaml"] {
            try "packages: []\n".write(toFile: whitelists + "/" + name, atomically: true, encoding: .utf8)
        }
        #expect(try ProjectFiles.whitelistSources([whitelists]).map { ($0.path as NSString).lastPathComponent } == ["example.yaml", "tools.yml"])
        #expect(try ProjectFiles.whitelistSources([whitelists + "/example.orig.yaml"]).count == 1)
    }

    @Test("build: flags over wheelwright.yaml over defaults, for every setting the run takes")
    func precedence() throws {
        let build = try Wheelwright.Build.parse([
            "w.yaml", "--config", folder.path("wheelwright.yaml"), "--pure-index", "company/pure", "--memory", "512",
            "--only", "Six", "--shard", "2/3", "--data", folder.path("data"), "--junit", folder.path("j.xml"),
        ])
        var flags = build.limitOptions.configuration
        flags.jobs = build.jobs
        let settings = try build.options.settings(overriding: flags, runID: "night", junit: build.junit)
        #expect(settings.layout.pure == "company/pure" && settings.layout.binary == "company/{target}" && settings.layout.consumer == "platform/{target}")
        #expect(settings.jobs == 3 && settings.limits.time == .seconds(600) && settings.limits.memoryBytes == 512 << 20)
        #expect(settings.limits.processes == 1024 && settings.runner == .rootfs)
        #expect(settings.selection.only == ["six"] && settings.selection.shard?.description == "2/3")
        #expect(settings.junit?.path == folder.path("j.xml") && settings.runID == "night")
        if ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] == nil {
            #expect(settings.server == "http://configured:4040")
            let flagged = try Wheelwright.Build.parse(["--config", folder.path("wheelwright.yaml"), "--server", "http://flag:1"])
            #expect(try flagged.options.settings().server == "http://flag:1")
        }
    }

    @Test("a bad config file is a usage error at its line and column; a bad shard or limit is refused while parsing")
    func refusals() throws {
        try "jobs: many\n".write(toFile: folder.path("bad.yaml"), atomically: true, encoding: .utf8)
        let build = try Wheelwright.Build.parse(["--config", folder.path("bad.yaml")])
        #expect { try build.options.settings() } throws: { error in
            "\(error)".contains("bad.yaml:1:7") && "\(error)".contains("'many'")
        }
        #expect(throws: (any Error).self) { try Wheelwright.Build.parse(["--shard", "3/2"]) }
        #expect(throws: (any Error).self) { try Wheelwright.Build.parse(["--timeout", "0"]) }
        #expect(throws: (any Error).self) { try Wheelwright.Build.parse(["--config", folder.path("missing.yaml")]).options.settings() }
    }

    @Test("a client's server: the flag, else the configured one, else the default")
    func server() throws {
        guard ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] == nil else { return }
        #expect(try ServerOptions.parse([]).address() == BuildRunSettings.defaultServer)
        #expect(try ServerOptions.parse([]).address(configured: "http://c") == "http://c")
        var configured = BuildConfiguration()
        configured.server = "http://c"
        #expect(try ServerOptions.parse(["--server", "http://f/"]).client(configured: configured).server == "http://f")
    }

    @Test("the config file names every path and the credentials; relative paths are its folder's, whatever the working folder")
    func paths() throws {
        let site = folder.url.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try """
            whitelists: [company, /srv/extra.yaml]
            containers: targets
            data: ../state
            cache: cache
            user: builder
            token-file: token
            """.write(to: site.appendingPathComponent("wheelwright.yaml"), atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: site.appendingPathComponent("token").path, contents: Data("tok-123\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        let build = try Wheelwright.Build.parse(["--config", site.appendingPathComponent("wheelwright.yaml").path])
        let settings = try build.options.settings()
        #expect(settings.whitelists == [site.appendingPathComponent("company").path, "/srv/extra.yaml"])
        #expect(settings.containers == site.appendingPathComponent("targets").path)
        #expect(settings.data.path == folder.url.appendingPathComponent("state").path)
        #expect(settings.cache.path == site.appendingPathComponent("cache").path)
        if ProcessInfo.processInfo.environment["WHEELWRIGHT_USER"] == nil, ProcessInfo.processInfo.environment["WHEELWRIGHT_TOKEN"] == nil {
            let client = try build.options.server.client(configured: try build.options.environment.resolved().configuration)
            #expect(client.user == "builder" && client.authorization == BasicCredentials.header(user: "builder", password: "", token: "tok-123"))
        }
        // Flags win over the file; a loose token file is refused, naming where it was configured.
        let flagged = try Wheelwright.Build.parse(["w.yaml", "--config", site.appendingPathComponent("wheelwright.yaml").path, "--data", "/d"])
        #expect(try flagged.options.settings().whitelists == ["w.yaml"] && flagged.options.settings().data.path == "/d")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: site.appendingPathComponent("token").path)
        #expect { try build.options.server.client(configured: try build.options.environment.resolved().configuration) } throws: { error in
            "\(error)".contains("token-file") && "\(error)".contains("chmod 600")
        }
    }

    @Test("whitelist lint from any folder with the config alone: its whitelists and targets")
    func lintFromConfig() async throws {
        let site = folder.url.appendingPathComponent("lint-site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("company"), withIntermediateDirectories: true)
        try "packages:\n  - {name: six, versions: [\"1.17.0\"], reason: r, license: MIT, targets: [debian-12]}\n"
            .write(to: site.appendingPathComponent("company/a.yaml"), atomically: true, encoding: .utf8)
        try "whitelists: [company]\ncontainers: \(Repository.root.path)/containers\n"
            .write(to: site.appendingPathComponent("wheelwright.yaml"), atomically: true, encoding: .utf8)
        let linted = try await runToolSeparately(Repository.wheelwright, ["whitelist", "lint"],
                                                 environment: ["WHEELWRIGHT_CONFIG": site.appendingPathComponent("wheelwright.yaml").path], directory: "/")
        #expect(linted.status == 0 && linted.output.contains("1 file, 1 package, 0 denied: 0 errors, 0 warnings"), "\(linted.output) \(linted.errors)")
    }

    @Test("a config file with errors exits 2 from every command that reads it, naming its place: fetch, wheelhouse, whitelist lint, plan")
    func badConfigExits2() async throws {
        let bad = folder.path("broken.yaml")
        try "jobs: many\n".write(toFile: bad, atomically: true, encoding: .utf8)
        for arguments in [["fetch", "--config", bad], ["wheelhouse", "x.tar.gz", "--config", bad], ["whitelist", "lint", "--config", bad], ["plan", "--config", bad]] {
            let run = try await runToolSeparately(Repository.wheelwright, arguments, directory: folder.url.path)
            #expect(run.status == 2 && (run.output + run.errors).contains("broken.yaml:1:7"), "\(arguments): \(run.status) \(run.output) \(run.errors)")
        }
    }
}
