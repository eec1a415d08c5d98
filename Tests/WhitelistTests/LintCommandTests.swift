import Foundation
import Subprocess
import TestSupport
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `wheelwright whitelist lint` as a user runs it: the built executable, a real process.
@Suite("wheelwright whitelist lint")
struct LintCommandTests {
    static let executable = Repository.wheelwright

    struct Run {
        let status: TerminationStatus
        let output: String
    }

    func wheelwright(_ arguments: [String]) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build first: swift build")
        let result = try await Subprocess.run(
            .path(FilePath(Self.executable)),
            arguments: Arguments(arguments),
            workingDirectory: FilePath(Repository.root.path),
            output: .string(limit: 8 << 20),
            error: .string(limit: 1 << 20)
        )
        return Run(status: result.terminationStatus, output: result.standardOutput + result.standardError)
    }

    /// A temporary folder, removed when `body` returns or throws.
    func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    @Test("the company whitelist passes with a one-line summary and exit 0")
    func shippedWhitelistPasses() async throws {
        let run = try await wheelwright(["whitelist", "lint"])
        #expect(run.status == .exited(0), "\(run.output)")
        #expect(run.output.contains("2 files, 57 packages (1 prebuilt), 3 denied: 0 errors, 0 warnings"))
    }

    @Test("errors print as file:line:col and exit 1; --json carries the same findings")
    func brokenWhitelistFails() async throws {
        try await withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("broken.yaml")
            try "packages:\n  - name: six\n    verisons: [\"1.0\"]\n".write(to: file, atomically: true, encoding: .utf8)
            let run = try await wheelwright(["whitelist", "lint", folder.path])
            #expect(run.status == .exited(1))
            #expect(run.output.contains("\(file.path):3:5: error: unknown key 'verisons' in a packages entry (did you mean 'versions'?)"))
            #expect(run.output.contains("1 file, 0 packages, 0 denied: 2 errors, 2 warnings"))

            let json = try await wheelwright(["whitelist", "lint", "--json", file.path])
            #expect(json.status == .exited(1))
            struct Output: Decodable {
                struct Finding: Decodable { let file: String; let line: Int; let column: Int; let severity: String; let message: String }
                let errors: Int
                let warnings: Int
                let diagnostics: [Finding]
            }
            let decoded = try JSONDecoder().decode(Output.self, from: Data(json.output.utf8))
            #expect(decoded.errors == 2 && decoded.warnings == 2)
            #expect(decoded.diagnostics.contains { $0.line == 3 && $0.column == 5 && $0.severity == "error" })
        }
    }

    @Test("a missing path is a clear error, not a crash")
    func missingPath() async throws {
        let run = try await wheelwright(["whitelist", "lint", "no/such/folder"])
        #expect(run.status == .exited(1))
        #expect(run.output.contains("no/such/folder: no such file or directory"))
    }

    @Test("whitelist add in a folder without whitelists/: names the default it looked for and what --file does, before asking upstream")
    func addWithoutWhitelistFolder() async throws {
        try await withTemporaryFolder { folder in
            let run = try await runToolSeparately(Self.executable, ["whitelist", "add", "rich", "--upstream", "http://127.0.0.1:9/simple/"], directory: folder.path)
            #expect(run.status == 64, "\(run.output) \(run.errors)")
            #expect(run.errors.contains("no folder whitelists/ here for whitelists/opensource.yaml (--file's default is whitelists/opensource.yaml)")
                    && run.errors.contains("--file PATH"), "\(run.errors)")
        }
    }

    @Test("--help at every level and --version")
    func help() async throws {
        for arguments in [["--help"], ["whitelist", "--help"], ["whitelist", "lint", "--help"]] {
            let run = try await wheelwright(arguments)
            #expect(run.status == .exited(0))
            #expect(run.output.contains("USAGE: wheelwright"))
        }
        let version = try await wheelwright(["--version"])
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }
}
