// Timed workloads for bench/run.sh. Each reads its input, runs the workload several times,
// and prints one JSON line with the best time, so the shell script can set it beside the peer.
import Foundation
import PythonPackaging

/// Parse every line as a PEP 440 version and sort them; the same work as
/// `sorted(Version(line) for line in lines)` in Python.
func sortVersions(path: String, repetitions: Int) throws {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    var best = Duration.seconds(1_000)
    var sorted: [Version] = []
    for _ in 0..<repetitions {
        let clock = ContinuousClock()
        let start = clock.now
        sorted = try lines.map { try Version($0) }.sorted()
        best = min(best, clock.now - start)
    }
    let digest = sorted.map(\.description).joined(separator: "\n").utf8.reduce(into: UInt64(14_695_981_039_346_656_037)) {
        $0 = ($0 ^ UInt64($1)) &* 1_099_511_628_211
    }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
    print(#"{"count": \#(lines.count), "seconds": \#(seconds), "first": "\#(sorted.first!)", "last": "\#(sorted.last!)", "fnv1a": "\#(String(digest, radix: 16))"}"#)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "sort-versions" else {
    FileHandle.standardError.write(Data("usage: wheelwright-bench sort-versions FILE [REPETITIONS]\n".utf8))
    exit(2)
}
do {
    try sortVersions(path: arguments[2], repetitions: arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5)
} catch {
    FileHandle.standardError.write(Data("wheelwright-bench: \(error)\n".utf8))
    exit(1)
}
