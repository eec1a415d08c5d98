import Foundation
import Testing
@testable import Whitelist
import YAMLFiles

/// Broken and hostile files: each gets one clear error at a position, never a crash or a hang.
/// (How long each takes is measured by bench/, not asserted here.)
@Suite("Hostile whitelist files")
struct HostileInputTests {
    func onlyError(_ bytes: [UInt8]) throws -> Diagnostic {
        let report = Whitelist.read([SourceFile(path: "h.yaml", bytes: bytes)], targets: testTargets)
        #expect(report.whitelist == nil)
        #expect(report.diagnostics.count == 1, "\(report.diagnostics)")
        return try #require(report.diagnostics.first { $0.severity == .error })
    }

    @Test("an alias-expansion bomb is refused at its first alias")
    func billionLaughs() throws {
        var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        let names = Array("abcdefghij").map(String.init)
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("? *j\n: boom")
        let error = try onlyError(Array(lines.joined(separator: "\n").utf8))
        #expect(error.location.line == 2 && error.location.column == 8)
        #expect(error.message.contains("aliases"))
    }

    @Test("aliases are found in every node position, and nothing else looks like one")
    func aliasScanner() {
        #expect(AliasScanner.firstAlias(in: "a: *x") != nil)
        #expect(AliasScanner.firstAlias(in: "- *x") != nil)
        #expect(AliasScanner.firstAlias(in: "a: [b, *x]")! == (1, 8))
        #expect(AliasScanner.firstAlias(in: "a: {k: *x}") != nil)
        #expect(AliasScanner.firstAlias(in: "? *x\n: y") != nil)
        #expect(AliasScanner.firstAlias(in: "a: !!str *x") != nil)
        #expect(AliasScanner.firstAlias(in: "specifier: \"==1.2.*\"") == nil)
        #expect(AliasScanner.firstAlias(in: "specifier: ==1.2.*") == nil)
        #expect(AliasScanner.firstAlias(in: "reason: see *this* # and *that") == nil)
        #expect(AliasScanner.firstAlias(in: "reason: '*quoted'\nother: \"*too\"") == nil)
        #expect(AliasScanner.firstAlias(in: "reason: |\n  *bold* text\n  more\nnext: 1") == nil)
        #expect(AliasScanner.firstAlias(in: "reason: |\n  *bold*\nnext: *x")! == (3, 7))
        #expect(AliasScanner.firstAlias(in: "a: 'it''s *not'") == nil)
        #expect(AliasScanner.firstAlias(in: "a: b\r\n- *x\r\n")! == (2, 3))
    }

    @Test("a 50 MB file is refused before it is parsed")
    func hugeFile() throws {
        let line = Array("  - name: p\n    versions: [\"1.0\"]\n".utf8)
        var bytes = Array("packages:\n".utf8)
        bytes.reserveCapacity(50 << 20)
        while bytes.count < 50 << 20 { bytes += line }
        let error = try onlyError(bytes)
        #expect(error.location.line == 1)
        #expect(error.message.contains("50.0 MB") && error.message.contains("at most 8 MB"))
    }

    @Test("binary garbage, invalid UTF-8, NUL bytes and control characters are located")
    func binaryAndEncoding() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try onlyError(garbage)
        }
        let invalid = try onlyError(Array("packages:\n  - name: caf".utf8) + [0xC3] + Array("\n".utf8))
        #expect((invalid.location.line, invalid.location.column) == (2, 14))
        #expect(invalid.message.contains("invalid UTF-8"))
        let overlong = try onlyError(Array("a: ".utf8) + [0xC0, 0xAF])
        #expect(overlong.location.column == 4)
        let nul = try onlyError(Array("a: b\nc: d".utf8) + [0] + Array("\n".utf8))
        #expect((nul.location.line, nul.location.column) == (2, 5))
        let control = try onlyError(Array("packages:\n  - name: six\u{7}\n".utf8))
        #expect(control.location.line == 2)
    }

    @Test("a file cut off in the middle reports where it ends")
    func truncated() throws {
        let full = """
            packages:
              - name: six
                versions: ["1.16.0", "1.17.0"]
                reason: compatibility
            """
        // Cut inside the first quoted version, after the comma, inside the second one.
        for cut in [40, 48, 55] {
            let error = try onlyError(Array(full.utf8.prefix(cut)))
            #expect(error.message.hasPrefix("YAML syntax error"), "\(cut): \(error)")
            #expect((3...4).contains(error.location.line), "\(cut): \(error)")
        }
    }

    @Test("ten thousand nested brackets stop at the YAML reader's depth limit, not the stack")
    func deepNesting() throws {
        let error = try onlyError(Array(("packages: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))
        #expect(error.message.contains("nesting"))
    }

    @Test("a top-level list, scalar or second document is not a whitelist")
    func wrongShapes() throws {
        let list = try onlyError(Array("- name: six\n  versions: [\"1.0\"]\n".utf8))
        #expect(list.message.contains("found a list") && list.location.line == 1)
        let scalar = try onlyError(Array("just text".utf8))
        #expect(scalar.message.contains("found a single value"))
        let twoDocuments = try onlyError(Array("packages: []\n---\npackages: []\n".utf8))
        #expect(twoDocuments.location.line == 2)
        let duplicateKey = try onlyError(Array("packages: []\npackages: []\n".utf8))
        #expect(duplicateKey.message.contains("duplicate key 'packages'"))
    }
}
