import Foundation
@testable import Builder
import PythonPackaging
import TestSupport
import Testing

/// The platform tag `auditwheel show` (the pinned one in .venv) finds a wheel consistent with.
func auditwheelVerdict(_ wheel: String) async throws -> String? {
    let (_, wrapped) = try await runTool(Repository.tool("auditwheel"), ["show", wheel])
    // auditwheel wraps its sentences at the terminal width.
    let output = wrapped.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    let marker = "consistent with the following platform tag: \""
    guard let start = output.range(of: marker) else { return nil }
    return String(output[start.upperBound...].prefix { $0 != "\"" })
}

/// Our verdict through the command people use.
func wheelwrightVerdict(_ wheel: String) async throws -> String {
    let (status, output) = try await runTool(Repository.wheelwright, ["audit", wheel])
    guard status == 0 else { throw TestFailure(output) }
    let afterName = output.split(separator: ":", maxSplits: 1).last ?? ""
    return String(afterName.trimmingCharacters(in: .whitespaces).prefix { $0 != "," && $0 != " " && $0 != "\n" })
}

@Suite("Audit against auditwheel on real PyPI wheels", .enabled(if: PyPI.enabled, PyPI.reason))
struct AuditPyPITests {
    @Test("our verdict equals auditwheel show's on manylinux wheels from PyPI, bundled libraries included",
          arguments: ["markupsafe==3.0.2", "msgpack==1.1.0", "pyyaml==6.0.2", "cffi==1.17.1", "simplejson==3.19.3", "lxml==5.3.0"])
    func agrees(requirement: String) async throws {
        let folder = try TemporaryFolder()
        let (status, output) = try await runTool(Repository.tool("pip"), [
            "download", "--no-deps", "--only-binary", ":all:", "--platform", "manylinux2014_x86_64", "--python-version", "3.11",
            "--implementation", "cp", "--dest", folder.url.path, requirement,
        ])
        #expect(status == 0, "\(output)")
        let wheel = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).first { $0.hasSuffix(".whl") })
        let path = folder.path(wheel)
        let theirs = try await auditwheelVerdict(path)
        let ours = try await wheelwrightVerdict(path)
        #expect(theirs != nil)
        #expect(ours == theirs, "\(wheel): wheelwright \(ours), auditwheel \(theirs ?? "-")")
    }
}

struct RetagTests {
    @Test("WHEEL gets the new Tag lines and Build line; RECORD gets WHEEL's new hash and size")
    func rewrite() {
        let wheel = "Wheel-Version: 1.0\nGenerator: setuptools (66.1.1)\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n\n"
        let rewritten = Retagger.wheelMetadata(wheel, tags: ["cp311-cp311-manylinux2014_x86_64", "cp311-cp311-manylinux_2_17_x86_64"],
                                               build: BuildTag(number: 2))
        #expect(rewritten == "Wheel-Version: 1.0\nGenerator: setuptools (66.1.1)\nRoot-Is-Purelib: false\nBuild: 2\nTag: cp311-cp311-manylinux2014_x86_64\nTag: cp311-cp311-manylinux_2_17_x86_64\n")
        let record = "x/__init__.py,sha256=abc,3\nx-1.0.dist-info/WHEEL,sha256=old,10\nx-1.0.dist-info/RECORD,,\n"
        let updated = WheelRecord.replacing(record, path: "x-1.0.dist-info/WHEEL", with: Array("hello".utf8))
        // sha256("hello"), urlsafe base64 without padding.
        #expect(updated == "x/__init__.py,sha256=abc,3\nx-1.0.dist-info/WHEEL,sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ,5\nx-1.0.dist-info/RECORD,,\n")
    }

    @Test("the ELF reader finds DT_NEEDED and versioned symbols of a shared object gcc just made")
    func elf() async throws {
        let folder = try TemporaryFolder()
        try "#include <string.h>\n#include <math.h>\nint f(char *a, const char *b, double x) { strcpy(a, b); return (int) pow(x, 2); }\n"
            .write(toFile: folder.path("f.c"), atomically: true, encoding: .utf8)
        let (status, output) = try await runTool("/usr/bin/gcc", ["-shared", "-fPIC", "-O0", "-o", folder.path("libf.so"), folder.path("f.c"), "-lm"])
        #expect(status == 0, "\(output)")
        let bytes = try [UInt8](Data(contentsOf: folder.url.appendingPathComponent("libf.so")))
        let elf = try ELFDependencies(bytes: bytes)
        #expect(elf.architecture == "x86_64")
        #expect(Set(elf.neededLibraries).isSuperset(of: ["libc.so.6", "libm.so.6"]))
        #expect(elf.versionNames.contains("GLIBC_2.2.5"))
        let audit = ManylinuxAudit(objects: [elf], architecture: "x86_64", glibcCeiling: "2.36")
        #expect(audit.policy != nil)
        #expect(throws: PackagingError.self) { try ELFDependencies(bytes: Array(bytes.prefix(100))) }
        #expect(throws: PackagingError.self) { try ELFDependencies(bytes: Array("not an elf".utf8)) }
    }
}
