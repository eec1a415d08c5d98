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
        var environment = environment
        if environment["PATH"] == nil { environment["PATH"] = searchPath.joined(separator: ":") }
        let updates = Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) })
        let result = try await Subprocess.run(
            Shell.executable(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
            environment: .inherit.updating(updates),
            output: .string(limit: 16 << 20), error: .combinedWithOutput
        )
        return Output(succeeded: result.terminationStatus.isSuccess, text: result.standardOutput)
    }

    /// A path runs as it is; a bare name is looked up on `searchPath`.
    static func executable(_ command: String) -> Executable {
        if command.contains("/") { return .path(FilePath(command)) }
        return locate(command).map { .path(FilePath($0)) } ?? .name(command)
    }

    /// True when `tool` is on `searchPath`.
    static func has(_ tool: String) -> Bool { locate(tool) != nil }

    /// PATH, then the administrator's folders it lacks: debootstrap, chroot and mount live in
    /// /usr/sbin and /sbin, which cron's PATH (`/usr/bin:/bin`) leaves out.
    static var searchPath: [String] {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return path + ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].filter { !path.contains($0) }
    }

    private static func locate(_ tool: String) -> String? {
        searchPath.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
