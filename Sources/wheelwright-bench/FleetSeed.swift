import Basics
import Crypto
import Foundation
import IndexStore
import PythonPackaging

/// The fleet benchmark's catalog (`bench/fleet.sh`): `indices` indices of ten per team, a tenth
/// of them built on their team's `dev`, holding `files` files in all — index sizes, project names
/// and versions drawn as a company's have them (a few large indices, many small; popular
/// projects in many indices; 1–6 versions, an sdist and 0–2 wheels each) — whose bytes are a
/// dozen real blobs of 10 kB to 50 MB (rows share them: downloads read real files). Users and
/// indices go through the catalog; the file rows in multi-row inserts (a million uploads would
/// take hours); root's and every team's password is `benchpw`. Writes the workload's samples beside: `pages.txt` (simple pages), `downloads.txt`
/// (file URLs with their sizes) and `busy.txt` (the indices uploads go to).
struct FleetSeed {
    let directory: URL
    let database: any CatalogDatabase
    let indices: Int
    let files: Int
    let samples: URL

    /// Cumulative Zipf weights over `count` ranks (exponent `s`), for drawing a rank.
    struct Zipf {
        let cumulative: [Double]
        init(count: Int, s: Double) {
            var total = 0.0
            cumulative = (1...count).map { rank in total += 1 / pow(Double(rank), s); return total }
        }
        func draw(_ random: inout SplitMix64) -> Int {
            let target = Double.random(in: 0..<1, using: &random) * cumulative[cumulative.count - 1]
            var (low, high) = (0, cumulative.count - 1)
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    static let syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "du", "ga", "ho", "zi", "be", "fa", "ju"]
    static let blobSizes = [10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000]

    /// Project `number`'s name: four syllables of its digits in base 16, unique by construction
    /// (`kalo-mine`).
    static func projectName(_ number: Int) -> String {
        let digits = (0..<4).map { syllables[(number >> (4 * (3 - $0))) & 15] }
        return digits[0] + digits[1] + "-" + digits[2] + digits[3]
    }

    /// A blob for a file: most are small, a few large, as a company's wheels are.
    static func blobIndex(_ random: inout SplitMix64) -> Int {
        let draw = Double.random(in: 0..<1, using: &random)
        return switch draw {
        case ..<0.6: Int.random(in: 0..<4, using: &random)
        case ..<0.9: 4 + Int.random(in: 0..<4, using: &random)
        case ..<0.99: 8 + Int.random(in: 0..<2, using: &random)
        default: 10 + Int.random(in: 0..<2, using: &random)
        }
    }

    func run() async throws {
        let start = Date()
        var random = SplitMix64(seed: 20_261_207)  // the same fleet on every run
        let service = try await IndexService(directory: directory, database: database)
        _ = try await service.bootstrapRoot(password: "benchpw")
        let catalog = service.catalog

        // The blobs, written where the blob store keeps them.
        let store = try BlobStore(root: directory)
        var blobs: [(sha256: String, size: Int)] = []
        for size in Self.blobSizes {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            let path = store.path(of: BlobDigest(digest)!)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: path)
            blobs.append((digest, size))
        }

        // Teams of ten indices: dev, stable on dev, and eight more.
        let hash = try PasswordHasher.hash("benchpw")
        var paths: [IndexID] = []
        for team in 0..<max(1, indices / 10) {
            let user = String(format: "team-%05d", team)
            try await catalog.createUser(user, passwordHash: hash)
            let dev = try IndexID(user: user, index: "dev")
            try await catalog.createIndex(dev, settings: IndexSettings(volatile: false))
            try await catalog.createIndex(try IndexID(user: user, index: "stable"), settings: IndexSettings(bases: [dev], volatile: false))
            paths += [dev, try IndexID(user: user, index: "stable")]
            for number in 1...8 {
                let id = try IndexID(user: user, index: "project-\(number)")
                try await catalog.createIndex(id, settings: IndexSettings(volatile: false))
                paths.append(id)
            }
        }
        let created = Date()

        // Files: index sizes Zipf over the indices, projects Zipf over a pool of 20,000 names.
        let sizes = Zipf(count: paths.count, s: 0.8)
        let projects = Zipf(count: 20_000, s: 1.0)
        let total = sizes.cumulative[sizes.cumulative.count - 1]
        var pageSample: [String] = []
        var downloadSample: [String] = []
        var seenPairs = 0
        var seenFiles = 0
        var rows: [[any SQLConvertible]] = []
        var written = 0
        var previous = 0.0
        for (rank, index) in paths.enumerated() {
            let weight = sizes.cumulative[rank] - previous
            previous = sizes.cumulative[rank]
            let target = max(1, Int((Double(files) * weight / total).rounded()))
            var held = Set<Int>()
            var count = 0
            while count < target, held.count < 20_000 {
                let project = projects.draw(&random)
                guard held.insert(project).inserted else { continue }
                let name = Self.projectName(project)
                seenPairs += 1
                Self.sample(&pageSample, "/\(index)/+simple/\(name)/", seen: seenPairs, keep: 20_000, &random)
                let versions = 1 + min(5, Int(-log(max(1e-9, Double.random(in: 0..<1, using: &random))) * 1.5))
                let major = Int.random(in: 0..<5, using: &random)
                for version in 0..<versions where count < target {
                    let text = "\(major).\(version).\(Int.random(in: 0..<3, using: &random))"
                    let stem = name.replacingOccurrences(of: "-", with: "_") + "-" + text
                    let wheels = ["py3-none-any", "cp311-cp311-manylinux_2_17_x86_64", "cp312-cp312-manylinux_2_17_x86_64"].prefix(Int.random(in: 0..<3, using: &random))
                    for filename in ["\(stem).tar.gz"] + wheels.map({ "\(stem)-\($0).whl" }) where count < target {
                        let blob = blobs[Self.blobIndex(&random)]
                        let wheel = filename.hasSuffix(".whl")
                        let identity = wheel ? (try? WheelFilename(filename)).map { DistributionIdentity(wheel: $0).description } ?? filename
                            : (try? SdistFilename(filename)).map { DistributionIdentity(sdist: $0).description } ?? filename
                        rows.append([index.description, filename, name, text, wheel ? "wheel" : "sdist", blob.sha256, Int64(blob.size),
                                     1_700_000_000.0 + Double(written), index.user, ">=3.9", false, identity, "[]"])
                        count += 1
                        written += 1
                        seenFiles += 1
                        let url = "/\(index)/+f/\(blob.sha256.prefix(2))/\(blob.sha256.dropFirst(2))/\(filename) \(blob.size)"
                        Self.sample(&downloadSample, url, seen: seenFiles, keep: 5_000, &random)
                        if rows.count == 500 { try await insert(rows); rows = [] }
                    }
                }
            }
        }
        if !rows.isEmpty { try await insert(rows) }
        try await database.write { try await $0.bumpGeneration(.everything) }
        let busy = (0..<min(500, paths.count)).map { _ in "/\(paths[Int.random(in: 0..<paths.count, using: &random)])/" }
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        for (name, lines) in [("pages.txt", pageSample), ("downloads.txt", downloadSample), ("busy.txt", busy)] {
            try (lines.joined(separator: "\n") + "\n").write(to: samples.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        print(#"{"indices": \#(paths.count), "files": \#(written), "index_seconds": \#(Int(created.timeIntervalSince(start))), "file_seconds": \#(Int(Date().timeIntervalSince(created)))}"#)
    }

    /// Reservoir sampling: `kept` stays a uniform sample of the `seen` lines so far.
    static func sample(_ kept: inout [String], _ line: String, seen: Int, keep: Int, _ random: inout SplitMix64) {
        if kept.count < keep { kept.append(line); return }
        let slot = Int.random(in: 0..<seen, using: &random)
        if slot < keep { kept[slot] = line }
    }

    /// The rows in one statement (the catalog's `file` columns a plain upload fills).
    func insert(_ rows: [[any SQLConvertible]]) async throws {
        let columns = "indexPath, filename, project, version, kind, sha256, size, uploadTime, uploader, requiresPython, yanked, identity, history"
        let row = "(" + Array(repeating: "?", count: rows[0].count).joined(separator: ", ") + ")"
        try await database.write { session in
            try await session.execute("INSERT INTO file (\(columns)) VALUES " + Array(repeating: row, count: rows.count).joined(separator: ", "),
                                      rows.flatMap { $0 })
        }
    }
}
