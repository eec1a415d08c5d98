import Archives
import Foundation
import TestSupport
import Testing

@Suite("Archives")
struct ArchiveTests {
    @Test("a wheel's METADATA and an sdist's PKG-INFO are found; hostile archives are refused")
    func archives() async throws {
        let folder = try TemporaryFolder()
        let wheel = try await makeDistribution(in: folder, "Demo.Pkg", "1.0")
        let sdist = try await makeDistribution(in: folder, "Demo.Pkg", "1.0", sdist: true)
        let metadata = try DistributionMetadata.wheelMetadata(wheel)
        #expect(metadata.path == "demo_pkg-1.0.dist-info/METADATA")
        #expect(String(decoding: metadata.bytes, as: UTF8.self).contains("Name: Demo.Pkg"))
        #expect(try DistributionMetadata.sdistMetadata(sdist, format: .tarball).path == "demo_pkg-1.0/PKG-INFO")

        var small = ArchiveLimits()
        small.maximumMemberSize = 50
        #expect(throws: ArchiveError.memberTooLarge(wheel, member: metadata.path, limit: 50)) {
            try DistributionMetadata.wheelMetadata(wheel, limits: small)
        }
        let notAnArchive = folder.path("junk.whl")
        try Data("not a zip at all".utf8).write(to: URL(fileURLWithPath: notAnArchive))
        #expect(throws: ArchiveError.self) { try DistributionMetadata.wheelMetadata(notAnArchive) }
        #expect(throws: ArchiveError.self) { try DistributionMetadata.wheelMetadata(sdist) }
    }
}
