import Foundation
import TestSupport
import Testing

/// Sdists that try to reach the build host through what they name (issue 28), each built through
/// the real `runner build` for debian-12 against a local upstream serving `evilpkg`, whose
/// setup.py leaves a mark on the host the moment any process runs it.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct HostileSdistTests {
    let data = Repository.root.appendingPathComponent(".build/test-environments").path

    /// `[build-system].requires` (static) or the backend's answer (dynamic); UPSTREAM and EVIL
    /// stand for the local upstream's URL and evilpkg's sdist on disk.
    static let requirements: [(name: String, dynamic: Bool, requires: [String])] = [
        ("options", false, ["--no-deps", "--no-binary=:all:", "--index-url=UPSTREAM", "evilpkg"]),
        ("option-in-one", false, ["evilpkg --index-url=UPSTREAM"]),
        ("direct-reference", false, ["evilpkg @ file://EVIL"]),
        ("path", false, ["EVIL"]),
        ("dynamic-options", true, ["--no-binary=:all:", "--index-url=UPSTREAM", "evilpkg"]),
        ("dynamic-direct-reference", true, ["evilpkg @ file://EVIL"]),
        ("dynamic-path", true, ["EVIL"]),
    ]

    @Test("build requirements that are pip options, URLs or paths, static or dynamic: refused as hostile input before pip sees them; nothing runs on the host")
    func buildRequirements() async throws {
        _ = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let server = try await TestServer()
        defer { server.stop() }
        let mark = folder.path("evilpkg-ran")
        let evil = try await Debian12.sdist(in: folder, "evilpkg", kind: "evil", argument: mark)
        let upstream = try await LocalUpstream.fill(server, with: try LocalUpstream.buildRequirements() + [evil.path])
        for (name, dynamic, requires) in Self.requirements {
            let texts = requires.map { $0.replacingOccurrences(of: "UPSTREAM", with: upstream).replacingOccurrences(of: "EVIL", with: evil.path) }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: texts), as: UTF8.self)
            let sdist = try await Debian12.sdist(in: folder, "hostile-\(name)", kind: "pure",
                                                 options: [dynamic ? "--dynamic-requires" : "--build-requires", json])
            let (status, output) = try await runTool(Repository.wheelwright, [
                "runner", "build", "debian-12", sdist.path, "--out", folder.path("out-\(name)"), "--cache", folder.path("cache"),
                "--upstream", upstream, "--data", data, "--containers", Repository.root.appendingPathComponent("containers").path,
            ])
            #expect(status != 0 && output.contains("hostile input") && output.contains("Nothing it names was fetched or run"), "\(name): \(output)")
            #expect(!FileManager.default.fileExists(atPath: mark), "\(name): evilpkg's setup.py ran on the host: \((try? String(contentsOfFile: mark, encoding: .utf8)) ?? "")")
        }
    }

    /// Archive members that would land outside the source tree or are not plain files, folders
    /// or links inside it; MARK stands for a path in the test's folder on the host.
    static let members: [(name: String, members: [[String: String]])] = [
        ("traversal", [["name": "hostile-traversal-1.0/../../../../../../MARK", "data": "escaped"]]),
        ("absolute", [["name": "MARK", "data": "escaped"]]),
        ("symlink-out", [["name": "hostile-symlink-out-1.0/up", "type": "symlink", "link": "../../../../../../.."]]),
        ("symlink-absolute", [["name": "hostile-symlink-absolute-1.0/host", "type": "symlink", "link": "/"]]),
        ("hardlink-out", [["name": "hostile-hardlink-out-1.0/passwd", "type": "hardlink", "link": "../../../../etc/passwd"]]),
        ("hardlink-absolute", [["name": "hostile-hardlink-absolute-1.0/passwd", "type": "hardlink", "link": "/etc/passwd"]]),
        ("device", [["name": "hostile-device-1.0/null", "type": "chardev"]]),
        ("fifo", [["name": "hostile-fifo-1.0/pipe", "type": "fifo"]]),
        ("seeded-vendor", [["name": "hostile-seeded-vendor-1.0/../../../out/vendor/evil/build.rs", "data": "fn main() {}"]]),
    ]

    @Test("archive members that leave the tree (traversal, absolute, links out), devices and FIFOs: refused as hostile input by the driver's own unpack")
    func archiveMembers() async throws {
        _ = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let wheelhouse = try Debian12.wheelhouse(in: folder)
        for (name, members) in Self.members {
            let mark = folder.path("escaped-\(name)")
            let resolved = members.map { $0.mapValues { $0.replacingOccurrences(of: "MARK", with: String(mark.dropFirst())) } }
                .map { member in name == "absolute" ? member.merging(["name": mark]) { $1 } : member }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: resolved), as: UTF8.self)
            let sdist = try await Debian12.sdist(in: folder, "hostile-\(name)", kind: "pure", options: ["--members", json])
            let (status, output) = try await runTool(Repository.wheelwright, [
                "runner", "build", "debian-12", sdist.path, "--out", folder.path("out-\(name)"), "--wheelhouse", wheelhouse.path,
                "--data", data, "--containers", Repository.root.appendingPathComponent("containers").path,
            ])
            #expect(status != 0 && output.contains("hostile input: the ") && output.contains("review this release"), "\(name): \(output)")
            #expect(!FileManager.default.fileExists(atPath: mark), "\(name): a member was written on the host")
            #expect(!FileManager.default.fileExists(atPath: folder.path("out-\(name)/vendor")), "\(name)")
        }
    }

    @Test("a PKG-INFO larger than the index accepts (2 MiB, 12 MiB): refused as hostile input before any step of the build runs")
    func overlongMetadata() async throws {
        _ = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let wheelhouse = try Debian12.wheelhouse(in: folder)
        for megabytes in [2, 12] {
            let mark = folder.path("ran-\(megabytes)")
            let sdist = try await Debian12.sdist(in: folder, "hostile-metadata-\(megabytes)", kind: "evil", argument: mark,
                                                 options: ["--pkg-info-bytes", String(megabytes << 20)])
            let (status, output) = try await runTool(Repository.wheelwright, [
                "runner", "build", "debian-12", sdist.path, "--out", folder.path("out-\(megabytes)"), "--wheelhouse", wheelhouse.path,
                "--data", data, "--containers", Repository.root.appendingPathComponent("containers").path,
            ])
            #expect(status != 0 && output.contains("hostile input: the sdist's hostile_metadata_\(megabytes)-1.0/PKG-INFO is larger than 1048576 bytes"), "\(megabytes) MiB: \(output)")
            #expect(!output.contains("driver.py"), "\(megabytes) MiB: a step ran: \(output)")
            #expect(!FileManager.default.fileExists(atPath: mark), "\(megabytes) MiB: the sdist's code ran on the host")
        }
    }
}
