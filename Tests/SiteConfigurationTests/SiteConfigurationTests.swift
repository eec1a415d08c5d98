import Foundation
import PythonPackaging
import SiteConfiguration
import TestSupport
import Testing
import YAMLFiles

/// The shipped targets, read as `wheelwright` reads them.
let testTargets: [TargetDefinition] = ["debian-12", "debian-13"].map { name in
    let path = Repository.root.appendingPathComponent("containers/\(name)/target.yaml").path
    let source = SourceFile(path: path, bytes: [UInt8](FileManager.default.contents(atPath: path)!))
    return TargetDefinition.decode(source, folder: name).0!
}

func positions(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.sorted().map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue)" }
}

/// `containers/NAME/target.yaml` and `wheelwright.yaml`.
@Suite("Site configuration")
struct SiteConfigurationTests {
    @Test("target definitions: the shipped ones decode; a wrong one is reported")
    func targetDefinitions() {
        #expect(testTargets.map(\.name) == ["debian-12", "debian-13"])
        #expect(testTargets[0].pythonVersions == ["3.11"] && testTargets[0].glibc == "2.36")
        #expect(testTargets[1].pythonVersions == ["3.13"] && testTargets[1].codename == "trixie")
        let (target, diagnostics) = TargetDefinition.decode(SourceFile(path: "t.yaml", text: """
            name: debian-12
            os: {id: debian, version: "12"}
            glibc: two
            architecture: x86_64
            pythons: []
            rootfs: {tool: debootstrap, suite: bookworm, variant: minbase, mirror: http://deb.debian.org/debian}
            """), folder: "debian-99")
        #expect(target == nil)
        #expect(positions(diagnostics) == ["1:1: error", "1:7: error", "2:5: error", "3:8: error", "5:10: error"])
    }

    @Test("target definitions: a relocatable interpreter (home:) runs from where builds see it; the Rust toolchain is named; wrong interpreters are refused at their place")
    func interpretersAndRust() throws {
        #expect(testTargets[0].rustPackages == ["rustc-web", "cargo-web"] && testTargets[1].rustPackages == ["rustc", "cargo"])
        let head = "name: debian-12\nos: {id: debian, version: \"12\", codename: bookworm}\nglibc: \"2.36\"\narchitecture: x86_64\n"
        let tail = "base-packages: [python3]\nrootfs: {tool: debootstrap, suite: bookworm, variant: minbase, mirror: http://deb.debian.org/debian}\n"
        let (target, _) = TargetDefinition.decode(SourceFile(path: "t.yaml", text: head + """
            pythons:
              - {version: "3.11", executable: /usr/bin/python3.11}
              - {version: "3.12", home: /srv/pythons/cpython-3.12}

            """ + tail), folder: "debian-12")
        let relocatable = target?.interpreters.last
        #expect(target?.pythonVersions == ["3.11", "3.12"] && target?.rustPackages == [])
        #expect(relocatable?.home == "/srv/pythons/cpython-3.12" && relocatable?.executable == "/wheelwright/python/bin/python3.12")
        #expect(relocatable?.hostExecutable == "/srv/pythons/cpython-3.12/bin/python3.12" && target?.interpreters.first?.hostExecutable == nil)

        let (bad, diagnostics) = TargetDefinition.decode(SourceFile(path: "t.yaml", text: head + """
            pythons:
              - {version: "3.11", executable: /usr/bin/python3.11}
              - {version: "3.12", executable: /usr/bin/python3.12, home: /opt/py}
              - {version: "3.12", home: ../pythons}
              - {version: "3.13", home: /opt/a/../b}
              - {version: "3.11", executable: /usr/bin/python3}

            """ + tail), folder: "debian-12")
        #expect(bad == nil)
        let messages = diagnostics.sorted().map(\.description)
        try #require(messages.count == 4, "\(messages)")
        #expect(messages[0].hasPrefix("t.yaml:7:5") && messages[0].contains("one of 'executable'"))
        #expect(messages[1].hasPrefix("t.yaml:8:29") && messages[1].contains("'home' must be an absolute folder"))
        #expect(messages[2].hasPrefix("t.yaml:9:29"))
        #expect(messages[3].hasPrefix("t.yaml:10:15") && messages[3].contains("Python 3.11 is listed twice"), "\(messages)")
    }

    @Test("crate-registry: a sparse mirror or a local registry folder (relative to the config file); anything else refused, quotes and control characters too")
    func crateRegistry() throws {
        #expect(try CrateRegistry.parse("sparse+https://crates.example.com/index").get() == .sparse("sparse+https://crates.example.com/index/"))
        #expect(try CrateRegistry.parse("/srv/crates").get() == .local("/srv/crates"))
        for bad in ["https://crates.example.com/", "sparse+ftp://x/", "sparse+https:///", "crates", "/srv/../etc", "/srv/\"x", "/srv/a\\b", "/srv/a\nb"] {
            guard case .failure(let error) = CrateRegistry.parse(bad) else { Issue.record("\(bad) was accepted"); continue }
            #expect(error.description.hasPrefix("'\(bad)' is not a crate registry: "))
        }
        let (decoded, _) = BuildConfiguration.decode(SourceFile(path: "w.yaml", text: "crate-registry: mirror/crates\n"))
        #expect(decoded?.resolved(against: URL(fileURLWithPath: "/etc/wheelwright")).crateRegistry == "/etc/wheelwright/mirror/crates")
        let (bad, found) = BuildConfiguration.decode(SourceFile(path: "w.yaml", text: "crate-registry: https://crates.io/\n"))
        #expect(bad == nil && found.first?.description.hasPrefix("w.yaml:1:17: error: 'https://crates.io/' is not a crate registry") == true, "\(found)")
    }

    @Test("wheelwright.yaml: every key typed, unknown keys and bad values refused at their place; flags override")
    func configuration() throws {
        let text = "server: http://index:4040\nupstream: [https://a/simple/]\njobs: 3\ntimeout: 600\nrunner: oci\nbuild-requirements: whitelisted\n"
        let (decoded, diagnostics) = BuildConfiguration.decode(SourceFile(path: "wheelwright.yaml", text: text))
        let configuration = try #require(decoded, "\(diagnostics)")
        #expect(configuration.server == "http://index:4040" && configuration.upstream == ["https://a/simple/"] && configuration.jobs == 3)
        #expect(configuration.timeout == 600 && configuration.runner == "oci" && configuration.memory == nil)
        #expect(configuration.buildRequirements == .whitelisted)
        var flags = BuildConfiguration()
        flags.jobs = 1
        let merged = configuration.overridden(by: flags)
        #expect(merged.jobs == 1 && merged.server == "http://index:4040")
        #expect(BuildConfiguration.decode(SourceFile(path: "e.yaml", text: "")).0 == BuildConfiguration())

        let (bad, found) = BuildConfiguration.decode(SourceFile(path: "w.yaml", text: "severs: x\njobs: many\nrunner: docker\nmemory: -1\nbuild-requirements: pypi\n"))
        #expect(bad == nil)
        let messages = found.map(\.description)
        #expect(messages.count == 5, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("w.yaml:5:21") && $0.contains("build-requirements must be whitelisted or upstream, found 'pypi'") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("w.yaml:1:1") && $0.contains("unknown key 'severs'") && $0.contains("server") })
        #expect(messages.contains { $0.hasPrefix("w.yaml:2:7") && $0.contains("'many'") })
        #expect(messages.contains { $0.hasPrefix("w.yaml:3:9") && $0.contains("rootfs, oci, host") })
        #expect(messages.contains { $0.hasPrefix("w.yaml:4:9") })
    }
}
