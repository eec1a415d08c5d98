// Timed workloads for bench/run.sh. Each reads its input, runs the workload several times,
// and prints one JSON line with the best time, so the shell script can set it beside the peer.
import Basics
import Foundation
import IndexStore
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
    let seconds = best.seconds
    print(#"{"count": \#(lines.count), "seconds": \#(seconds), "first": "\#(sorted.first!)", "last": "\#(sorted.last!)", "fnv1a": "\#(String(digest, radix: 16))"}"#)
}

/// Fills `index` in the store at `directory` with `count` projects of one file each (catalog
/// rows only: the listing benchmark reads names, never blobs), creating root and the index.
func seedIndex(directory: String, index: String, count: Int) throws {
    let service = try IndexService(directory: URL(fileURLWithPath: directory))
    _ = try service.bootstrapRoot(password: "bench")
    let id = try IndexID(index)
    if try !service.catalog.userExists(id.user) {
        try service.catalog.createUser(id.user, passwordHash: try PasswordHasher.hash("bench"))
    }
    if try service.catalog.settings(of: id) == nil {
        try service.catalog.createIndex(id, settings: IndexSettings())
    }
    let start = Date()
    for number in 0..<count {
        let project = "seeded-project-\(number)"
        _ = try service.catalog.addFile(StoredFile(
            index: id, filename: "seeded_project_\(number)-1.0-py3-none-any.whl", project: project, version: "1.0",
            kind: .wheel, sha256: String(repeating: "0", count: 56) + String(format: "%08x", number), size: 1,
            uploadTime: Date().timeIntervalSince1970, uploader: id.user, requiresPython: nil, metadataSHA256: nil, provenance: nil
        ))
    }
    print(#"{"seeded": \#(count), "seconds": \#(Date().timeIntervalSince(start))}"#)
}

let arguments = CommandLine.arguments
let usage = "usage: wheelwright-bench sort-versions FILE [REPETITIONS] | seed-index DATA USER/INDEX COUNT\n"
do {
    switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
    case (3...4, "sort-versions"):
        try sortVersions(path: arguments[2], repetitions: arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5)
    case (5, "seed-index"):
        try seedIndex(directory: arguments[2], index: arguments[3], count: Int(arguments[4]) ?? 0)
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("wheelwright-bench: \(error)\n".utf8))
    exit(1)
}
