import Foundation
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let wheelwright = root.appendingPathComponent(".build/debug/wheelwright").path
    public static func tool(_ name: String) -> String { root.appendingPathComponent(".venv/bin/\(name)").path }
}

/// The few tests that talk to the real PyPI. `make test` sets WHEELWRIGHT_PYPI_TESTS=1 only when
/// PyPI answers, so CI without the network skips them.
public enum PyPI {
    public static let enabled = ProcessInfo.processInfo.environment["WHEELWRIGHT_PYPI_TESTS"] == "1"
    public static let reason: Comment = "needs PyPI (make test sets WHEELWRIGHT_PYPI_TESTS=1 when reachable)"
}

/// A temporary folder that removes itself.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a command to completion; returns its exit code and combined output.
public func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    var merged = ProcessInfo.processInfo.environment
    // The machine's pip settings (find-links, caches) must not leak into the tests.
    for key in merged.keys where key.hasPrefix("PIP_") || key.hasPrefix("UV_") || key.hasPrefix("TWINE_") {
        merged[key] = nil
    }
    merged["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    merged["PIP_NO_INPUT"] = "1"
    for (key, value) in environment { merged[key] = value }
    let result = try await Subprocess.run(
        .path(FilePath(executable)),
        arguments: Arguments(arguments),
        environment: .custom(Dictionary(uniqueKeysWithValues: merged.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
        output: .string(limit: 16 << 20),
        error: .string(limit: 16 << 20)
    )
    let code: Int32
    switch result.terminationStatus {
    case .exited(let value): code = value
    default: code = -1
    }
    return (code, result.standardOutput + result.standardError)
}

