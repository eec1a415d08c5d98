@testable import Builder
import Foundation
import IndexAPI
import Testing

/// `build --log-format json`: each event's fields, as log collectors read them.
@Suite("Build events as JSON lines")
struct BuildEventLineTests {
    static func line(_ event: BuildRun.Event) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    @Test("fields flat and snake_case: a failed fetch, the build order, a start, a finish with and without a wheel")
    func fields() throws {
        let item = BuildItem(project: "pyyaml", version: "6.0.2", target: "debian-12", python: "3.11", buildTag: nil, systemPackages: [], environment: [:])
        #expect(try Self.line(.fetchFailed(release: "pyyaml==6.0.2", reason: "no sdist")) == #"{"event":"fetch_failed","reason":"no sdist","release":"pyyaml==6.0.2"}"#)
        #expect(try Self.line(.ordered(longestChain: ["cython", "pyyaml"])) == #"{"depth":2,"event":"ordered","longest_chain":["cython","pyyaml"]}"#)
        #expect(try Self.line(.started(item)) == #"{"event":"started","item":"pyyaml-6.0.2-debian-12-py3.11","project":"pyyaml","python":"3.11","target":"debian-12","version":"6.0.2"}"#)
        let built = ItemResult(item: item, status: .built, reason: nil, wheel: "PyYAML-6.0.2-cp311-cp311-manylinux_2_36_x86_64.whl", index: "platform/debian-12",
                               seconds: 12.5, log: "/data/builds/1/pyyaml.log")
        #expect(try Self.line(.finished(built)) == #"{"event":"finished","index":"platform/debian-12","item":"pyyaml-6.0.2-debian-12-py3.11","log":"/data/builds/1/pyyaml.log","project":"pyyaml","python":"3.11","seconds":12.5,"status":"built","target":"debian-12","version":"6.0.2","wheel":"PyYAML-6.0.2-cp311-cp311-manylinux_2_36_x86_64.whl"}"#)
        let failed = ItemResult(item: item, status: .failed, reason: "import failure", wheel: nil, index: nil, seconds: 3, log: nil)
        #expect(try Self.line(.finished(failed)) == #"{"event":"finished","item":"pyyaml-6.0.2-debian-12-py3.11","project":"pyyaml","python":"3.11","reason":"import failure","seconds":3,"status":"failed","target":"debian-12","version":"6.0.2"}"#)
    }
}
