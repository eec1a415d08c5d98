import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the host tools that prepare environments (debootstrap, cp, podman), collecting output.
enum Shell {
    struct Output: Sendable {
        let succeeded: Bool
        let text: String

        /// The last lines, for an error message.
        var tail: String { text.split(separator: "\n").suffix(15).joined(separator: "\n") }
    }

    static func run(_ argv: [String], environment: [String: String] = [:]) async throws -> Output {
        let updates = Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) })
        let result = try await Subprocess.run(
            Shell.executable(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
            environment: .inherit.updating(updates),
            output: .string(limit: 16 << 20), error: .combinedWithOutput
        )
        return Output(succeeded: result.terminationStatus.isSuccess, text: result.standardOutput)
    }

    /// A path runs as it is; a bare name is looked up on PATH.
    static func executable(_ command: String) -> Executable {
        command.contains("/") ? .path(FilePath(command)) : .name(command)
    }

    /// True when `tool` is on PATH.
    static func has(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}
