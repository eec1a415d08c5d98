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
func seedIndex(directory: String, index: String, count: Int, perProject: Int) async throws {
    let service = try await IndexService(directory: URL(fileURLWithPath: directory))
    _ = try await service.bootstrapRoot(password: "bench")
    let id = try IndexID(index)
    if try await !service.catalog.userExists(id.user) {
        try await service.catalog.createUser(id.user, passwordHash: try PasswordHasher.hash("bench"))
    }
    if try await service.catalog.settings(of: id) == nil {
        try await service.catalog.createIndex(id, settings: IndexSettings())
    }
    let start = Date()
    for number in 0..<count {
        let (project, version) = number.quotientAndRemainder(dividingBy: max(1, perProject))
        _ = try await service.catalog.addFile(StoredFile(
            index: id, filename: "seeded_project_\(project)-1.\(version)-py3-none-any.whl", project: "seeded-project-\(project)",
            version: "1.\(version)", kind: .wheel, sha256: String(repeating: "0", count: 56) + String(format: "%08x", number), size: 1,
            uploadTime: Date().timeIntervalSince1970, uploader: id.user, requiresPython: nil, metadataSHA256: nil, provenance: nil
        ))
    }
    print(#"{"seeded": \#(count), "seconds": \#(Date().timeIntervalSince(start))}"#)
}

/// Fills `index` with `count` projects, each a wheel whose core metadata has a summary, keywords
/// and a description of 300 words drawn as text has them (a catalog's search
/// documents as real uploads make them), in group commits of 1,000; then times each of `queries`
/// through the catalog's full-text search (the median of 21) and prints one JSON line; on the
/// PostgreSQL catalog `WHEELWRIGHT_BENCH_CATALOG` names, when set.
func seedSearch(directory: String, index: String, count: Int, queries: [String]) async throws {
    // WHEELWRIGHT_BENCH_CATALOG=postgresql://…: the same on a PostgreSQL catalog.
    let shared = try ProcessInfo.processInfo.environment["WHEELWRIGHT_BENCH_CATALOG"].map {
        try PostgresAddress($0)
    }
    let database: (any CatalogDatabase)? = if let shared { try await PostgresCatalogDatabase(address: shared, password: nil) } else { nil }
    let service = try await IndexService(directory: URL(fileURLWithPath: directory), database: database)
    _ = try await service.bootstrapRoot(password: "bench")
    let id = try IndexID(index)
    if try await !service.catalog.userExists(id.user) { try await service.catalog.createUser(id.user, passwordHash: try PasswordHasher.hash("bench")) }
    if try await service.catalog.settings(of: id) == nil { try await service.catalog.createIndex(id, settings: IndexSettings()) }
    let vocabulary = ["parser", "yaml", "json", "http", "client", "server", "async", "fast", "library", "database", "driver", "image",
                      "numeric", "array", "testing", "plugin", "framework", "web", "crypto", "hash", "compression", "archive", "logging",
                      "config", "schema", "validation", "cli", "terminal", "color", "date", "time", "zone", "network", "socket", "cache",
                      "queue", "task", "scheduler", "graph", "plot", "science", "machine", "learning", "model", "tensor", "audio", "video",
                      "markdown", "template", "html", "xml", "csv", "excel", "pdf", "font", "unicode", "locale", "geo", "map", "cloud",
                      "storage", "secret", "token", "auth", "oauth", "email", "sms", "retry", "backoff", "pool", "thread", "process"]
    // Words as text has them (Zipf over 20,000 words): the named ones at every 200th rank, so
    // that "parser" (rank 200) is in about a sixth of the descriptions and "process" (rank 14,600)
    // in one in a few hundred; the rest made-up syllables.
    let syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "du", "ga", "ho", "zi", "be", "fa", "ju"]
    let words = (1...20_000).map { rank -> String in
        if rank % 200 == 0, rank / 200 - 1 < vocabulary.count { return vocabulary[rank / 200 - 1] }
        return (0..<3).map { syllables[(rank >> ($0 * 4)) & 15] }.joined() + String(rank % 7)
    }
    var cumulative: [Double] = []
    var total = 0.0
    for rank in 1...words.count {
        total += 1.0 / Double(rank)
        cumulative.append(total)
    }
    var seed: UInt64 = 7
    func word() -> String {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let target = Double(seed >> 11) / Double(1 << 53) * total
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return words[low]
    }
    let start = Date()
    var batch: [Catalog.NewFile] = []
    for number in 0..<count {
        let name = "seeded-project-\(number)"
        let summary = (0..<6).map { _ in word() }.joined(separator: " ")
        let description = (0..<300).map { _ in word() }.joined(separator: " ")
        let metadata = "Metadata-Version: 2.1\nName: \(name)\nVersion: 1.0\nSummary: \(summary)\nKeywords: \(word()), \(word())\n\n\(description)\n"
        batch.append(Catalog.NewFile(StoredFile(
            index: id, filename: "seeded_project_\(number)-1.0-py3-none-any.whl", project: name, version: "1.0", kind: .wheel,
            sha256: String(repeating: "0", count: 56) + String(format: "%08x", number), size: 1, uploadTime: Date().timeIntervalSince1970,
            uploader: id.user, requiresPython: nil, metadataSHA256: nil, provenance: nil
        ), metadata: Array(metadata.utf8)))
        if batch.count == 1_000 || number == count - 1 {
            _ = try await service.catalog.addFiles(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    let seeded = Date().timeIntervalSince(start)
    var timings: [String] = []
    for text in queries {
        let query = SearchQuery(text)
        var times: [Double] = []
        var hits = 0
        for _ in 0..<21 {
            let began = ContinuousClock.now
            hits = try await service.catalog.search(query, in: nil, limit: 100).hits.count
            times.append((ContinuousClock.now - began).seconds * 1000)
        }
        times.sort()
        timings.append(#"{"query": "\#(text)", "hits": \#(hits), "median_ms": \#((times[10] * 1000).rounded() / 1000), "max_ms": \#((times[20] * 1000).rounded() / 1000)}"#)
    }
    print(#"{"projects": \#(count), "seed_seconds": \#((seeded * 10).rounded() / 10), "queries": [\#(timings.joined(separator: ", "))]}"#)
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
           | seed-search DATA USER/INDEX COUNT QUERY... | multipart MEGABYTES
           | seed-fleet DATA INDICES FILES SAMPLES (a PostgreSQL catalog: WHEELWRIGHT_BENCH_CATALOG)

    """
do {
    switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
    case (3...4, "sort-versions"):
        try sortVersions(path: arguments[2], repetitions: arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5)
    case (3, "multipart"):
        try compareMultipartParsers(megabytes: max(1, Int(arguments[2]) ?? 64))
    case (6..., "seed-search"):
        try await seedSearch(directory: arguments[2], index: arguments[3], count: Int(arguments[4]) ?? 0, queries: Array(arguments[5...]))
    case (5...6, "seed-index"):
        try await seedIndex(directory: arguments[2], index: arguments[3], count: Int(arguments[4]) ?? 0,
                      perProject: arguments.count > 5 ? Int(arguments[5]) ?? 1 : 1)
    case (6, "seed-fleet"):
        guard let catalog = ProcessInfo.processInfo.environment["WHEELWRIGHT_BENCH_CATALOG"] else {
            FileHandle.standardError.write(Data("wheelwright-bench seed-fleet: set WHEELWRIGHT_BENCH_CATALOG to the PostgreSQL catalog\n".utf8))
            exit(2)
        }
        let database = try await PostgresCatalogDatabase(address: try PostgresAddress(catalog), password: nil)
        try await FleetSeed(directory: URL(fileURLWithPath: arguments[2]), database: database, indices: Int(arguments[3]) ?? 35_000,
                            files: Int(arguments[4]) ?? 1_000_000, samples: URL(fileURLWithPath: arguments[5])).run()
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("wheelwright-bench: \(error)\n".utf8))
    exit(1)
}
