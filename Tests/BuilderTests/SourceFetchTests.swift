import Builder
import Foundation
import TestSupport
import Testing
import Upstream
import Whitelist
import Workspace
import YAMLFiles

/// `wheelwright fetch`'s use case, called as the command calls it, against a local upstream
/// (wheelwright's own server): what each version's outcome is, and what a second run finds.
@Suite("Source fetch")
struct SourceFetchTests {
    @Test("each selected version fetched, then cached; a denied one skipped naming its rule; an unknown project failed; only the packages asked, each reported as it ends")
    func outcomes() async throws {
        let server = try await LocalIndex()
        let folder = try TemporaryFolder()
        try await server.addAlice(indices: [("up", [:])])
        let sdists = [try await makeDistribution(in: folder, "tricky", "1.0", sdist: true), try await makeDistribution(in: folder, "tricky", "1.1", sdist: true),
                      try await makeDistribution(in: folder, "other", "2.0", sdist: true)]
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                   "\(server.baseURL)/alice/up/", "-u", "alice", "-p", "alice-secret"] + sdists)
        #expect(upload.status == 0, "\(upload.output)")
        let text = """
            packages:
              - {name: Tricky, versions: ["1.0", "1.1"], reason: r, license: MIT}
              - {name: missing-project, versions: ["1.0"], reason: r, license: MIT}
              - {name: other, versions: ["2.0"], reason: r, license: MIT}
            deny:
              - name: tricky
                specifier: "==1.1"
                reason: broken
            """
        let (targets, _) = try ProjectFiles.targets(in: Repository.root.appendingPathComponent("containers").path)
        let whitelist = try #require(Whitelist.read([SourceFile(path: "w.yaml", text: text)], targets: targets).whitelist)
        let sources = SourceFetcher(client: UpstreamClient(indices: [URL(string: "\(server.baseURL)/alice/up/+simple/")!], retries: 0),
                                    cache: try DownloadCache(root: folder.url.appendingPathComponent("cache")))
        let fetch = SourceFetch(sources: sources, width: 2)
        let packages = SourceFetch.packages(of: whitelist, only: ["TRICKY", "missing_project"], target: nil)
        #expect(packages.map(\.entry.name.normalized) == ["tricky", "missing-project"])
        let reported = AtomicCount()
        let first = await fetch.run(packages, whitelist: whitelist) { _ in reported.increment() }
        #expect(reported.value == 2)
        #expect(first.map { "\($0.name) \($0.version) \($0.status)" } == ["missing-project 1.0 failed", "tricky 1.0 fetched", "tricky 1.1 denied"], "\(first)")
        #expect(first[0].error?.hasPrefix("project missing-project does not exist on") == true, "\(first[0])")
        #expect(first[2].error?.hasPrefix("denied at w.yaml:") == true && first[2].error?.hasSuffix("broken") == true, "\(first[2])")
        let fetched = try #require(first[1].path)
        #expect(first[1].file == "tricky-1.0.tar.gz" && FileManager.default.fileExists(atPath: fetched))
        let second = await fetch.run(SourceFetch.packages(of: whitelist, only: [], target: "debian-12"), whitelist: whitelist)
        #expect(second.map { "\($0.name) \($0.version) \($0.status)" } == ["missing-project 1.0 failed", "other 2.0 fetched", "tricky 1.0 cached", "tricky 1.1 denied"], "\(second)")
    }
}
