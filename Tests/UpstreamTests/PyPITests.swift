import Foundation
import PythonPackaging
import TestSupport
import Testing
import Upstream

@Suite("Against the real PyPI", .enabled(if: PyPI.enabled, PyPI.reason))
struct PyPITests {
    @Test("six 1.17.0: resolved to its sdist and downloaded through the hash check")
    func resolveAndDownload() async throws {
        let folder = try TemporaryFolder()
        let client = UpstreamClient()
        let (page, index) = try await client.page(of: "six")
        let sdist = try UpstreamClient.sdist(in: page, name: "six", version: try Version("1.17.0"), index: index)
        #expect(sdist.filename == "six-1.17.0.tar.gz" && sdist.sha256 != nil)
        let path = try await client.download(sdist, into: try DownloadCache(root: folder.url))
        #expect(FileManager.default.fileExists(atPath: path.path))
        #expect(throws: UpstreamError.self) {
            _ = try UpstreamClient.sdist(in: page, name: "six", version: try Version("9.9"), index: index)
        }
    }

    @Test("a wheelhouse of build requirements for Debian 12's Python, made once and then found")
    func wheelhouse() async throws {
        let folder = try TemporaryFolder()
        let builder = WheelhouseBuilder(cache: try DownloadCache(root: folder.url))
        let platforms = WheelhouseBuilder.platforms(glibc: "2.36", architecture: "x86_64")
        #expect(platforms.first == "manylinux_2_36_x86_64" && platforms.contains("manylinux2014_x86_64"))
        let first = try await builder.wheelhouse(for: IndexRequirement.all(["setuptools>=61", "wheel"]), pythonVersion: "3.11", platforms: platforms)
        let wheels = try FileManager.default.contentsOfDirectory(atPath: first.path).filter { $0.hasSuffix(".whl") }
        #expect(wheels.contains { $0.hasPrefix("setuptools-") } && wheels.contains { $0.hasPrefix("wheel-") })
        let marker = first.appendingPathComponent(".complete").path
        let made = try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date
        let second = try await builder.wheelhouse(for: IndexRequirement.all(["wheel", "setuptools>=61"]), pythonVersion: "3.11", platforms: platforms)
        #expect(second.path == first.path)
        #expect(try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date == made)
    }
}
