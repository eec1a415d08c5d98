import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PythonPackaging

/// A client of one or more PEP 691 / PEP 503 indices, tried in order.
public struct UpstreamClient: Sendable {
    public let indices: [URL]
    public let retries: Int
    public let timeout: TimeAmount
    /// The largest project page read; a larger one is an error, not a read.
    public let maximumPageBytes: Int
    private let http: HTTPClient

    /// PyPI's simple API.
    public static let pypi = URL(string: "https://pypi.org/simple/")!

    public init(indices: [URL] = [UpstreamClient.pypi], retries: Int = 3, timeout: TimeAmount = .seconds(60), maximumPageBytes: Int = 256 << 20,
                http: HTTPClient = .shared) {
        self.indices = indices.map { $0.absoluteString.hasSuffix("/") ? $0 : $0.appendingPathComponent("") }
        self.retries = retries
        self.timeout = timeout
        self.maximumPageBytes = maximumPageBytes
        self.http = http
    }

    /// The project's page from the first index that has it (JSON preferred, HTML understood).
    public func page(of name: String) async throws(UpstreamError) -> (page: ProjectPage, index: URL) {
        let normalized = ProjectName.normalize(name)
        for index in indices {
            let url = index.appendingPathComponent(normalized).appendingPathComponent("")
            let (status, contentType, body) = try await get(url, accept: "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01")
            if status == 404 { continue }
            guard (200..<300).contains(status) else { throw .http(url.absoluteString, status: status) }
            if contentType.contains("json") {
                return (try ProjectPage.json(Data(body), pageURL: url), index)
            }
            return (ProjectPage.html(String(decoding: body, as: UTF8.self), name: normalized, pageURL: url), index)
        }
        throw .noSuchProject(normalized, upstreams: indices.map(\.absoluteString))
    }

    /// The project's release versions (from its files), newest first; with `sdistOnly`, only
    /// those that have an sdist, the versions wheelwright can build.
    public static func versions(in page: ProjectPage, includeYanked: Bool = false, sdistOnly: Bool = false) -> [Version] {
        var versions = Set<Version>()
        for file in page.files where includeYanked || !file.isYanked {
            if !sdistOnly, let wheel = try? WheelFilename(file.filename) { versions.insert(wheel.version) }
            if let sdist = try? SdistFilename(file.filename) { versions.insert(sdist.version) }
        }
        return versions.sorted().reversed()
    }

    /// The `Requires-Python` each version's sdist publishes (not yanked; versions without one are absent).
    public static func sdistRequiresPython(in page: ProjectPage) -> [Version: RequiresPython] {
        var result: [Version: RequiresPython] = [:]
        for file in page.files where !file.isYanked {
            if let sdist = try? SdistFilename(file.filename), let required = RequiresPython(file.requiresPython) { result[sdist.version] = required }
        }
        return result
    }

    /// Each release's sdist upload time (PEP 700), where the page gives one (JSON pages do;
    /// HTML pages cannot). With several sdists of a release, the newest upload counts.
    public static func sdistUploadTimes(in page: ProjectPage) -> [Version: Date] {
        var result: [Version: Date] = [:]
        for file in page.files where !file.isYanked {
            if let sdist = try? SdistFilename(file.filename), let time = file.uploadTime { result[sdist.version] = max(result[sdist.version] ?? time, time) }
        }
        return result
    }

    /// The versions that have wheels and no sdist (not yanked), with how many wheels each has.
    public static func wheelOnlyVersions(in page: ProjectPage) -> [Version: Int] {
        let withSdist = Set(versions(in: page, sdistOnly: true))
        var wheels: [Version: Int] = [:]
        for file in page.files where !file.isYanked {
            if let wheel = try? WheelFilename(file.filename), !withSdist.contains(wheel.version) { wheels[wheel.version, default: 0] += 1 }
        }
        return wheels
    }

    /// The sdist of `name==version`: `.tar.gz` preferred, then `.zip`.
    public static func sdist(in page: ProjectPage, name: String, version: Version, index: URL) throws(UpstreamError) -> RemoteFile {
        let normalized = ProjectName.normalize(name)
        let candidates = page.files.filter { file in
            guard let sdist = try? SdistFilename(file.filename) else { return false }
            return sdist.normalizedName == normalized && sdist.version == version
        }
        if let best = candidates.first(where: { $0.filename.hasSuffix(".tar.gz") }) ?? candidates.first {
            return best
        }
        let wheels = page.files.filter { (try? WheelFilename($0.filename))?.version == version }.map(\.filename)
        if wheels.isEmpty {
            throw .noSuchVersion(normalized, version: version.description, newest: versions(in: page).first?.description)
        }
        throw .noSdist(normalized, version: version.description, upstream: index.absoluteString, wheels: wheels)
    }

    /// The core metadata of a file the index serves it for (PEP 658), parsed.
    public func coreMetadata(of file: RemoteFile) async throws(UpstreamError) -> CoreMetadata? {
        guard file.hasCoreMetadata, let url = URL(string: file.url.absoluteString + ".metadata") else { return nil }
        let (status, _, body) = try await get(url, accept: "*/*")
        guard status == 200 else { return nil }
        return try? CoreMetadata(parsing: String(decoding: body, as: UTF8.self))
    }

    /// GET with retries (exponential backoff with jitter) on transient failures only.
    func get(_ url: URL, accept: String) async throws(UpstreamError) -> (status: Int, contentType: String, body: [UInt8]) {
        var attempt = 0
        while true {
            do {
                var request = HTTPClientRequest(url: url.absoluteString)
                request.headers.add(name: "Accept", value: accept)
                request.headers.add(name: "User-Agent", value: "wheelwright")
                let response = try await http.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: maximumPageBytes)
                let status = Int(response.status.code)
                if status >= 500 { throw UpstreamError.http(url.absoluteString, status: status) }
                return (status, response.headers.first(name: "Content-Type") ?? "", Array(body.readableBytesView))
            } catch {
                let failure = (error as? UpstreamError) ?? .unreachable(url.absoluteString, reason: "\(error)")
                attempt += 1
                guard failure.isTransient, attempt <= retries else { throw failure }
                try? await Task.sleep(for: Self.backoff(attempt: attempt))
            }
        }
    }

    /// 0.5 s, 1 s, 2 s, … each with up to 50% jitter.
    static func backoff(attempt: Int) -> Duration {
        let base = 0.5 * pow(2, Double(attempt - 1))
        return .milliseconds(Int(base * 1000 * Double.random(in: 0.5...1.0)))
    }

    /// Downloads a file, streaming, while computing its sha256; the bytes are checked before
    /// the file becomes visible in `cache`. A cached file is returned without any request.
    public func download(_ file: RemoteFile, into cache: DownloadCache) async throws(UpstreamError) -> URL {
        if let sha256 = file.sha256, let cached = cache.file(sha256: sha256, filename: file.filename) { return cached }
        var attempt = 0
        while true {
            do {
                return try await downloadOnce(file, into: cache)
            } catch {
                attempt += 1
                guard error.isTransient, attempt <= retries else { throw error }
                try? await Task.sleep(for: Self.backoff(attempt: attempt))
            }
        }
    }

    private func downloadOnce(_ file: RemoteFile, into cache: DownloadCache) async throws(UpstreamError) -> URL {
        var partial = try cache.begin(file.filename)
        do {
            try await stream(file, maximumBytes: Int64.max) { chunk in try partial.write(chunk) }
            return try cache.finish(partial, expectedSHA256: file.sha256)
        } catch {
            cache.abandon(partial)
            throw error
        }
    }

    /// GETs a file once, handing its bytes to `consume` as they arrive; more than `maximumBytes`
    /// ends the download. The caller checks the digest of what it was given.
    public func stream(_ file: RemoteFile, maximumBytes: Int64, into consume: ([UInt8]) throws -> Void) async throws(UpstreamError) {
        let url = file.url.absoluteString
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "wheelwright")
            let response = try await http.execute(request, timeout: timeout)
            guard response.status == .ok else { throw UpstreamError.http(url, status: Int(response.status.code)) }
            var received: Int64 = 0
            for try await chunk in response.body {
                received += Int64(chunk.readableBytes)
                guard received <= maximumBytes else { throw UpstreamError.malformedPage(url, reason: "larger than the \(maximumBytes) bytes a file may have here") }
                try consume(Array(chunk.readableBytesView))
            }
        } catch {
            throw (error as? UpstreamError) ?? .unreachable(url, reason: "\(error)")
        }
    }
}
