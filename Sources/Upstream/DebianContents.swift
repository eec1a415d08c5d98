import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Which Debian package provides a file: the distribution's Contents index (what apt-file
/// reads), downloaded from the target's mirror once a week per suite and architecture into
/// `CACHE/debian-contents/`, and searched with zgrep for a fixed string.
public struct DebianContents: Sendable {
    let root: URL
    let http: HTTPClient
    /// An index older than this is downloaded again.
    static let maximumAge: TimeInterval = 7 * 24 * 3600

    public init(cache: URL, http: HTTPClient = .shared) {
        root = cache.appendingPathComponent("debian-contents")
        self.http = http
    }

    /// A file a build looked for.
    public enum Wanted: Sendable, Equatable {
        /// `yaml.h`, `libxml/parser.h`: under `usr/include/` (or its architecture folder).
        case header(String)
        /// `yaml` for `libyaml.so`, the file `-lyaml` links.
        case library(String)

        /// The fixed string zgrep looks for, and whether a Contents path is this file.
        var needle: String {
            switch self {
            case .header(let path): "/" + path
            case .library(let name): "/lib\(name).so"
            }
        }

        /// 0 for the file where the compiler looks first, 1 for a deeper copy, nil for no match.
        func rank(of path: Substring, triplet: String) -> Int? {
            switch self {
            case .header(let header):
                if path == "usr/include/\(header)" || path == "usr/include/\(triplet)/\(header)" { return 0 }
                return path.hasPrefix("usr/include/") && path.hasSuffix("/" + header) ? 1 : nil
            case .library(let name):
                return path == "usr/lib/\(triplet)/lib\(name).so" || path == "usr/lib/lib\(name).so" ? 0 : nil
            }
        }
    }

    /// The packages that provide `wanted` in `suite` for `architecture` (Debian's name: amd64)
    /// where the compiler looks first (else deeper), development packages before others.
    public func packages(providing wanted: Wanted, mirror: String, suite: String, architecture: String) async throws(UpstreamError) -> [String] {
        let index = try await contents(mirror: mirror, suite: suite, architecture: architecture)
        let found: String
        do {
            let result = try await Subprocess.run(.name("zgrep"), arguments: ["-F", "--", wanted.needle, index.path],
                                                  output: .string(limit: 8 << 20), error: .discarded)
            found = result.standardOutput
        } catch {
            throw .unreachable(index.path, reason: "cannot search the Contents index: \(error)")
        }
        let triplet = Self.triplet(of: architecture)
        var ranked: [(rank: Int, package: String)] = []
        for line in found.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let path = fields.first, let rank = wanted.rank(of: path, triplet: triplet) else { continue }
            for qualified in fields[fields.count - 1].split(separator: ",") {
                let package = String(qualified.split(separator: "/").last ?? qualified)
                ranked.append((rank * 2 + (package.hasSuffix("-dev") ? 0 : 1), package))
            }
        }
        // Only the best place counts: <yaml.h> is libyaml-dev's, not the copies deeper in other packages.
        guard let best = ranked.map({ $0.rank / 2 }).min() else { return [] }
        var seen = Set<String>()
        return ranked.filter { $0.rank / 2 == best }.sorted { ($0.rank, $0.package) < ($1.rank, $1.package) }.map(\.package)
            .filter { seen.insert($0).inserted }
    }

    /// The cached index, downloaded when missing or older than a week.
    func contents(mirror: String, suite: String, architecture: String) async throws(UpstreamError) -> URL {
        let safe = { (text: String) in text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } && !text.isEmpty }
        guard safe(suite), safe(architecture) else { throw .cache("suite '\(suite)' or architecture '\(architecture)' is not a plain name") }
        let file = root.appendingPathComponent("\(suite)-\(architecture).gz")
        if let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date,
           Date().timeIntervalSince(modified) < Self.maximumAge {
            return file
        }
        let url = mirror.hasSuffix("/") ? mirror : mirror + "/"
        let address = "\(url)dists/\(suite)/main/Contents-\(architecture).gz"
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            var request = HTTPClientRequest(url: address)
            request.headers.add(name: "User-Agent", value: "wheelwright")
            let response = try await http.execute(request, timeout: .seconds(120))
            guard response.status == .ok else { throw UpstreamError.http(address, status: Int(response.status.code)) }
            let body = try await response.body.collect(upTo: 256 << 20)
            let partial = root.appendingPathComponent(".partial-\(UUID().uuidString)")
            try Data(body.readableBytesView).write(to: partial)
            guard rename(partial.path, file.path) == 0 else {
                let code = errno
                try? FileManager.default.removeItem(at: partial)
                throw UpstreamError.cache("cannot move the Contents index into \(root.path): \(String(cString: strerror(code)))")
            }
            return file
        } catch {
            throw (error as? UpstreamError) ?? .unreachable(address, reason: "\(error)")
        }
    }

    /// Debian's multiarch folder for `architecture` (`amd64` → `x86_64-linux-gnu`).
    static func triplet(of architecture: String) -> String {
        switch architecture {
        case "amd64": "x86_64-linux-gnu"
        case "arm64": "aarch64-linux-gnu"
        case "i386": "i386-linux-gnu"
        default: "\(architecture)-linux-gnu"
        }
    }

    /// Debian's architecture name for a target's (`x86_64` → `amd64`).
    public static func debianArchitecture(_ machine: String) -> String {
        switch machine {
        case "x86_64": "amd64"
        case "aarch64": "arm64"
        default: machine
        }
    }
}
