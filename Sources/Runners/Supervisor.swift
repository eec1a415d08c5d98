import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs one confined command to its end: in its own control group (or under rlimits where there
/// is none), with its output appended to a log file, and killed with its whole tree at the time limit.
struct Supervisor: Sendable {
    /// Output beyond this is dropped from the log (a runaway build must not fill the disk).
    static let logLimit = 32 << 20

    struct Result: Sendable {
        let status: ExitStatus
        let duration: Duration
        let limitsHit: Set<LimitHit>
    }

    /// Runs `command`; `stop` is called at the time limit, for confinements whose processes live
    /// outside the group (a container engine's).
    static func run(
        _ command: [String], environment: [String: String], limits: ResourceLimits, log: URL,
        stop: @escaping @Sendable () async -> Void = {}
    ) async throws -> Result {
        let group = ControlGroup.make(limits: limits)
        defer { group?.remove() }
        let argv = group?.wrap(command) ?? [
            "prlimit", "--as=\(limits.memoryBytes)", "--nproc=\(limits.processes)", "--",
        ] + command
        let writer = try LogWriter(appendingTo: log)
        writer.line("$ \(command.joined(separator: " "))")
        writer.line("limits: \(limits.time) wall, \(limits.memoryBytes >> 20) MiB, \(limits.processes) processes (\(group?.kind ?? "rlimit per process"))")

        let start = ContinuousClock.now
        var options = PlatformOptions()
        options.processGroupID = 0
        let execution = try await Subprocess.run(
            Shell.executable(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            platformOptions: options, input: .none, output: .sequence, error: .combinedWithOutput
        ) { execution -> Ending in
            await withTaskGroup(of: Ending.self) { tasks in
                tasks.addTask {
                    do {
                        for try await chunk in execution.standardOutput { chunk.withUnsafeBytes { writer.append($0) } }
                    } catch {
                        writer.line("[wheelwright: reading the build's output failed: \(error)]")
                    }
                    return .finished
                }
                tasks.addTask {
                    // The watchdog: the time limit, and the process limit (a tree at its process
                    // limit cannot finish; its forks hold the output open), end the build at once.
                    let deadline = start + limits.time
                    while !Task.isCancelled {
                        if ContinuousClock.now >= deadline { return .timeLimit }
                        if group?.limitsHit().contains(.processes) == true { return .processLimit }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                    return .finished
                }
                var ending = await tasks.next() ?? .finished
                // The caller was cancelled (SIGINT, SIGTERM): the build goes with it.
                if ending == .finished && Task.isCancelled { ending = .cancelled }
                if ending != .finished {
                    writer.line("[wheelwright: \(ending.reason(limits)): killing the build]")
                    await stop()
                    group?.killAll()
                    try? execution.send(signal: .kill, toProcessGroup: true)
                }
                tasks.cancelAll()
                await tasks.waitForAll()
                return ending
            }
        }
        let duration = ContinuousClock.now - start
        // Whatever a killed tree left behind goes with it.
        group?.killAll()
        var hits = group?.limitsHit() ?? []
        if execution.closureResult == .timeLimit { hits.insert(.time) }
        let status: ExitStatus = switch execution.terminationStatus {
        case .exited(let code): .exited(code)
        case .signaled(let signal): .signaled(signal)
        }
        writer.line("[wheelwright: \(status) after \(duration.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))\(hits.isEmpty ? "" : ", limits hit: \(hits.map(\.rawValue).sorted().joined(separator: ", "))")]")
        writer.close()
        return Result(status: status, duration: duration, limitsHit: hits)
    }
}
