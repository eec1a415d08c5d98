import Testing
import Yams
@testable import YAMLFiles

/// Reading YAML a person wrote: every defect at its line and column, values as written.
@Suite("YAML files")
struct YAMLFilesTests {
    func root(_ text: String) throws -> Node {
        guard case .success(let node?) = YAMLLoader.load(SourceFile(path: "f.yaml", text: text)) else {
            throw Diagnostic.error(at: SourceLocation(file: "f.yaml", line: 0, column: 0), "did not load")
        }
        return node
    }

    @Test("the loader: empty is nothing; invalid UTF-8 and broken syntax are positioned diagnostics")
    func loader() {
        guard case .success(nil) = YAMLLoader.load(SourceFile(path: "e.yaml", text: "# only a comment\n")) else { Issue.record("expected nothing"); return }
        guard case .failure(let utf8) = YAMLLoader.load(SourceFile(path: "b.yaml", bytes: Array("a: ok\nb: ".utf8) + [0xFF])) else { Issue.record("expected a failure"); return }
        #expect(utf8.location.line == 2 && utf8.location.column == 4 && utf8.severity == .error)
        guard case .failure(let syntax) = YAMLLoader.load(SourceFile(path: "s.yaml", text: "a: [1, 2\nb: c\n")) else { Issue.record("expected a failure"); return }
        #expect(syntax.location.file == "s.yaml" && syntax.location.line >= 1)
    }

    @Test("the node reader: unknown keys with a suggestion, numbers in range, lists written as lists, scalars as written")
    func reader() throws {
        var reader = NodeReader(file: "f.yaml")
        let node = try root("nmae: x\ncount: 70000\nitems: one\nversion: 3.10\n")
        let mapped = reader.mapping(node, "a thing", allowed: ["name", "count", "items", "version"])
        let pairs = try #require(mapped)
        #expect(pairs.map(\.key) == ["count", "items", "version"])
        let values = Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })
        #expect(reader.integer(values["count"]!, "a count", in: 1...65_535) == nil)
        #expect(reader.strings(values["items"]!, "items") == nil)
        #expect(reader.string(values["version"]!, "a version") == "3.10")
        let messages = reader.log.diagnostics.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("f.yaml:1:1: error: unknown key 'nmae' in a thing (did you mean 'name'?)"))
        #expect(messages[1].hasPrefix("f.yaml:2:8: error: expected a count: a whole number from 1 to 65535, found '70000'"))
        #expect(messages[2].hasPrefix("f.yaml:3:8: error: expected a list of items"))
    }

    @Test("suggestions: the closest candidate within a small edit distance, or none")
    func suggestions() {
        #expect(Suggestion.closest(to: "severs", among: ["server", "jobs"]) == "server")
        #expect(Suggestion.closest(to: "zzzzzz", among: ["server", "jobs"]) == nil)
        #expect(Suggestion.didYouMean("jbos", among: ["jobs"]) == " (did you mean 'jobs'?)")
        #expect(Suggestion.editDistance("", "abc") == 3)
    }
}
