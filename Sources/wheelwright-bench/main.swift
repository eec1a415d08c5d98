// Timed workloads for the benchmarks (bench/). Each reads its input, runs the workload several times,
// and prints one JSON line with the best time, so the shell script can set it beside the peer.
import Basics
import Foundation
import IndexAPI
import IndexStore
import MultipartKit
import NIOCore
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

/// Fills `index` in the store at `directory` with `count` files, `perProject` versions of one
/// wheel per project (catalog rows only: the listing and scale benchmarks read names, never
/// blobs), creating root and the index; the index's user and root have the password `bench`.
func seedIndex(directory: String, index: String, count: Int, perProject: Int) throws {
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
        let (project, version) = number.quotientAndRemainder(dividingBy: max(1, perProject))
        _ = try service.catalog.addFile(StoredFile(
            index: id, filename: "seeded_project_\(project)-1.\(version)-py3-none-any.whl", project: "seeded-project-\(project)",
            version: "1.\(version)", kind: .wheel, sha256: String(repeating: "0", count: 56) + String(format: "%08x", number), size: 1,
            uploadTime: Date().timeIntervalSince1970, uploader: id.user, requiresPython: nil, metadataSHA256: nil, provenance: nil
        ))
    }
    print(#"{"seeded": \#(count), "seconds": \#(Date().timeIntervalSince(start))}"#)
}

/// The upload parser's choice, measured: an upload of `megabytes` (a form as twine sends it)
/// parsed in 64 KiB chunks by the server's parser and by multipart-kit's, best of 5; then an
/// 8 MiB part header (no blank line), which a parser must refuse rather than hold.
func compareMultipartParsers(megabytes: Int) throws {
    let boundary = "wheelwright-bench-boundary"
    var content = [UInt8](repeating: 0, count: megabytes << 20)
    for index in content.indices { content[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
    var body = ByteBuffer()
    try MultipartSerializer().serialize(parts: [
        MultipartPart(headers: ["Content-Disposition": "form-data; name=\":action\""], body: "file_upload"),
        MultipartPart(headers: ["Content-Disposition": "form-data; name=\"content\"; filename=\"a-1.0-py3-none-any.whl\""], body: content),
    ], boundary: boundary, into: &body)
    let bytes = Array(body.readableBytesView)
    let chunks = stride(from: 0, to: bytes.count, by: 65_536).map { bytes[$0..<min($0 + 65_536, bytes.count)] }

    func best(_ parse: () throws -> Int) rethrows -> (seconds: Double, fileBytes: Int) {
        var best = Duration.seconds(1_000)
        var fileBytes = 0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            fileBytes = try parse()
            best = min(best, ContinuousClock.now - start)
        }
        return (best.seconds, fileBytes)
    }
    let ours = try best {
        var parser = IndexAPI.MultipartParser(boundary: boundary)
        var total = 0
        for chunk in chunks {
            for case .data(let data) in try parser.feed(chunk) { total += data.count }
        }
        try parser.finish()
        return total
    }
    let kit = try best {
        let parser = MultipartKit.MultipartParser(boundary: boundary)
        var total = 0
        parser.onBody = { total += $0.readableBytes }
        for chunk in chunks { try parser.execute(ByteBuffer(bytes: chunk)) }
        return total
    }
    let header = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"" + String(repeating: "x", count: 8 << 20))
    var oursRefused = false
    var ourParser = IndexAPI.MultipartParser(boundary: boundary)
    do { _ = try ourParser.feed(Array(header.readableBytesView)) } catch { oursRefused = true }
    var kitRefused = false
    let kitParser = MultipartKit.MultipartParser(boundary: boundary)
    do { try kitParser.execute(header) } catch { kitRefused = true }
    let rate = { (seconds: Double) in Double(megabytes) / seconds }
    print(#"{"megabytes": \#(megabytes), "ours_mb_per_s": \#(Int(rate(ours.seconds))), "multipartkit_mb_per_s": \#(Int(rate(kit.seconds))), "ours_part_bytes": \#(ours.fileBytes), "multipartkit_part_bytes": \#(kit.fileBytes), "ours_refuses_8mib_header": \#(oursRefused), "multipartkit_refuses_8mib_header": \#(kitRefused)}"#)
}

let arguments = CommandLine.arguments
let usage = """
    usage: wheelwright-bench sort-versions FILE [REPETITIONS] | seed-index DATA USER/INDEX COUNT [FILES_PER_PROJECT]
           | multipart MEGABYTES

    """
do {
    switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
    case (3...4, "sort-versions"):
        try sortVersions(path: arguments[2], repetitions: arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5)
    case (3, "multipart"):
        try compareMultipartParsers(megabytes: max(1, Int(arguments[2]) ?? 64))
    case (5...6, "seed-index"):
        try seedIndex(directory: arguments[2], index: arguments[3], count: Int(arguments[4]) ?? 0,
                      perProject: arguments.count > 5 ? Int(arguments[5]) ?? 1 : 1)
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("wheelwright-bench: \(error)\n".utf8))
    exit(1)
}
