import Foundation
import PythonPackaging
import Testing

/// Every answer here is compared with Python's `packaging` (pinned by `make test`) on the same
/// inputs, generated from fixed seeds.
@Suite("Differential against packaging")
struct DifferentialTests {
    /// The examples of PEP 440's text, and the spellings its normalization section lists.
    static let pep440Examples = [
        "0.9", "1.0", "1.0.1", "1.1", "2.0", "2.0.1", "1.0a1", "1.0a2", "1.0b1", "1.0rc1", "1.0.dev1",
        "1.0.post1", "1.0.post1.dev1", "1.0a1.dev1", "1.0b2.post345.dev456", "1.0b2.post345",
        "1.0rc1.dev456", "1!1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0+ubuntu-1", "1.0+ubuntu_1",
        "1.0+ubuntu.1", "1.1RC1", "1.1.alpha1", "1.1-a1", "1.1_a1", "1.1a.1", "1.0-r4", "1.0_rev4",
        "1.0.post", "1.0-1", "1.0dev2", "1.0-DEV2", "1.0.dev", "v1.0", "V1.0", "  1.0\n", "1.0c1",
        "1.0pre1", "1.0preview1", "2012.10", "1.0.0.0.0", "1.0+abc.ABC", "01.02.03", "1.0.0-alpha.1",
        "1.0.0+20240101", "0!0.0", "1.0.post1+local", "1.0a1.post1.dev1+x.y.z",
    ]

    @Test("versions: valid or not, canonical form and total order agree on 6,000 inputs")
    func versionsAgree() async throws {
        var generator = InputGenerator(seed: 440)
        let inputs = Self.pep440Examples + (0..<6_000).map { _ in generator.version() }
        struct Answer: Decodable { let canonical: String; let rank: Int }
        let expected = try await Oracle.ask("versions", inputs, as: [Answer?].self)

        let parsed = inputs.map { try? Version($0) }
        let ranks = Self.denseRanks(parsed)
        var mismatches: [String] = []
        for (index, input) in inputs.enumerated() {
            let mine = parsed[index].map { Answer(canonical: $0.description, rank: ranks[index]!) }
            if mine?.canonical != expected[index]?.canonical || mine?.rank != expected[index]?.rank {
                mismatches.append("\(input.debugDescription): swift \(String(describing: mine)), python \(String(describing: expected[index]))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        let validCount = parsed.compactMap { $0 }.count
        #expect(validCount > 5_000, "the generator should mostly make valid versions (made \(validCount))")
        #expect(inputs.count - validCount > 300, "and some invalid ones")
    }

    /// The index of each version among the distinct values of the sorted list (equal versions share one).
    static func denseRanks(_ versions: [Version?]) -> [Int?] {
        let sorted = versions.compactMap { $0 }.sorted()
        var distinct: [Version] = []
        for version in sorted where distinct.last != version { distinct.append(version) }
        return versions.map { version in
            version.map { v in
                var (low, high) = (0, distinct.count)
                while low < high {
                    let mid = (low + high) / 2
                    if distinct[mid] < v { low = mid + 1 } else { high = mid }
                }
                return low
            }
        }
    }

    @Test("specifiers: membership agrees on 3,000 (specifier, version, prereleases) triples")
    func membershipAgrees() async throws {
        var generator = InputGenerator(seed: 503)
        var triples: [[JSONItem]] = []
        for index in 0..<3_000 {
            var spec = generator.specifier()
            if index % 5 == 0 { spec += "," + generator.specifier() }
            let prereleases = generator.pick([nil, true, false] as [Bool?])
            triples.append([.string(spec), .string(generator.candidate()), .bool(prereleases)])
        }
        enum Answer: Decodable, Equatable {
            case invalid
            case member(Bool)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                self = (try? container.decode(Bool.self)).map(Answer.member) ?? .invalid
            }
        }
        let expected = try await Oracle.ask("contains", triples, as: [Answer].self)

        var mismatches: [String] = []
        var members = 0
        for (index, triple) in triples.enumerated() {
            guard case .string(let spec) = triple[0], case .string(let candidate) = triple[1],
                  case .bool(let prereleases) = triple[2] else { continue }
            let version = try Version(candidate)
            let mine: Answer
            if spec.contains(",") {
                mine = (try? SpecifierSet(spec)).map { .member($0.contains(version, prereleases: prereleases)) } ?? .invalid
            } else {
                mine = (try? Specifier(spec)).map { .member($0.contains(version, prereleases: prereleases)) } ?? .invalid
            }
            if mine == .member(true) { members += 1 }
            if mine != expected[index] {
                mismatches.append("\(spec.debugDescription) contains \(candidate) prereleases=\(String(describing: prereleases)): swift \(mine), python \(expected[index])")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(triples.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(members > 300 && members < 2_700, "a useful mix of members and non-members (\(members))")
    }

    @Test("specifier sets: filtering a list keeps the same versions in the same order (500 cases)")
    func filteringAgrees() async throws {
        var generator = InputGenerator(seed: 625)
        var cases: [[JSONItem]] = []
        for _ in 0..<500 {
            let spec = (0..<generator.int(0...2)).map { _ in generator.specifier() }.joined(separator: ",")
            let candidates = (0..<generator.int(0...8)).map { _ in generator.candidate() }
            cases.append([.string(spec), .strings(candidates), .bool(generator.pick([nil, true, false] as [Bool?]))])
        }
        enum Answer: Decodable, Equatable {
            case invalid
            case kept([String])
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                self = (try? container.decode([String].self)).map(Answer.kept) ?? .invalid
            }
        }
        let expected = try await Oracle.ask("filter", cases, as: [Answer].self)
        var mismatches: [String] = []
        for (index, item) in cases.enumerated() {
            guard case .string(let spec) = item[0], case .strings(let candidates) = item[1],
                  case .bool(let prereleases) = item[2] else { continue }
            let versions = try candidates.map { try Version($0) }
            let mine = (try? SpecifierSet(spec)).map { Answer.kept($0.filter(versions, prereleases: prereleases).map(\.description)) } ?? .invalid
            if mine != expected[index] {
                mismatches.append("\(spec.debugDescription) filter \(candidates) prereleases=\(String(describing: prereleases)): swift \(mine), python \(expected[index])")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test("PEP 503: normalization and validity agree on 2,000 generated names")
    func namesAgree() async throws {
        var generator = InputGenerator(seed: 427)
        let names = ["Django", "zope.interface", "Foo__Bar", "a", "-a", "a-", "", "typing_extensions"]
            + (0..<2_000).map { _ in generator.projectName() }
        struct Answer: Decodable, Equatable { let normalized: String; let valid: Bool }
        let expected = try await Oracle.ask("names", names, as: [Answer].self)
        var mismatches: [String] = []
        for (index, name) in names.enumerated() {
            let mine = Answer(normalized: ProjectName.normalize(name), valid: ProjectName.isValid(name))
            if mine != expected[index] {
                mismatches.append("\(name.debugDescription): swift \(mine), python \(expected[index])")
            }
            #expect(((try? ProjectName(name)) != nil) == mine.valid)
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    struct WheelAnswer: Decodable, Equatable, CustomStringConvertible {
        let name: String
        let version: String
        let build: [BuildPart]?
        let tags: [String]

        enum BuildPart: Decodable, Equatable {
            case number(UInt64)
            case text(String)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(UInt64.self) {
                    self = .number(number)
                } else {
                    self = .text(try container.decode(String.self))
                }
            }
        }

        init(name: String, version: String, build: [BuildPart]?, tags: [String]) {
            self.name = name
            self.version = version
            self.build = build
            self.tags = tags
        }

        init(_ wheel: WheelFilename) {
            self.init(
                name: wheel.normalizedName, version: wheel.version.description,
                build: wheel.buildTag.map { [.number($0.number), .text($0.suffix)] },
                tags: wheel.tags.map(\.description).sorted()
            )
        }

        var description: String { "\(name) \(version) \(String(describing: build)) \(tags)" }
    }

    @Test("wheel filenames: parsing agrees on real PyPI filenames and generated odd ones")
    func wheelFilenamesAgree() async throws {
        let fixture = try String(
            contentsOf: try #require(Bundle.module.url(forResource: "Fixtures/pypi-wheel-filenames", withExtension: "txt")),
            encoding: .utf8
        )
        let real = fixture.split(separator: "\n").map(String.init)
        #expect(real.count > 5_000)
        var generator = InputGenerator(seed: 491)
        let odd = [
            "foo-1.0-py3-none-any.whl", "foo-1.0-1-py3-none-any.whl", "foo-1.0-1abc-py3-none-any.whl",
            "foo-1.0-abc-py3-none-any.whl", "foo__bar-1.0-py3-none-any.whl", "-1.0-py3-none-any.whl",
            "foo-1.0-py3-none-any.zip", "foo-1.0-py3-none.whl", "foo-1.0-py3..py2-none-any.whl",
            "foo-1.0-3py-none-any.whl", "foo-1.0-PY3-NONE-ANY.whl", "foo-1.0-py2.py3-none-any.whl",
            "Foo.Bar-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "foo-v1.0-py3-none-any.whl", "foo-1.0.post1.dev2+local-py3-none-any.whl", "foo-x.y-py3-none-any.whl",
            "fóo-1.0-py3-none-any.whl", "foo-1.0-_py-none-any.whl", "foo-1.0--py3-none-any.whl",
            "foo-1.0-1\n-py3-none-any.whl", "foo-1.0-007-py3-none-any.whl",
            "foo-1.0-py3-none-any-extra-part.whl", "foo- 1.0-py3-none-any.whl",
        ] + real.prefix(1_500).map { generator.mutate($0) }
        let inputs = real + odd
        let expected = try await Oracle.ask("wheels", inputs, as: [WheelAnswer?].self)
        var mismatches: [String] = []
        var rejected = 0
        for (index, filename) in inputs.enumerated() {
            let mine = (try? WheelFilename(filename)).map(WheelAnswer.init)
            if mine == nil { rejected += 1 }
            if mine != expected[index] {
                mismatches.append("\(filename.debugDescription): swift \(String(describing: mine)), python \(String(describing: expected[index]))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(rejected > 100, "the odd ones include many that packaging rejects (\(rejected))")
    }

    @Test("sdist filenames: parsing agrees, PEP 625 and legacy")
    func sdistFilenamesAgree() async throws {
        var generator = InputGenerator(seed: 625)
        var inputs = [
            "foo-1.0.tar.gz", "Foo_Bar-1.0.zip", "zope.interface-7.1.1.tar.gz", "foo-bar-1.0.tar.gz",
            "foo.tar.gz", "-1.0.tar.gz", "foo-1.0.tgz", "foo-1.0-1.tar.gz", "foo-x.tar.gz", "foo-1.0.TAR.GZ",
        ]
        for _ in 0..<1_000 {
            let name = generator.pick(["foo", "Foo.Bar", "zope_interface", "a-b-c", "x"])
            inputs.append(name + "-" + generator.version() + generator.pick([".tar.gz", ".zip", ".tar.bz2"]))
        }
        struct Answer: Decodable, Equatable { let name: String; let version: String }
        let expected = try await Oracle.ask("sdists", inputs, as: [Answer?].self)
        var mismatches: [String] = []
        for (index, filename) in inputs.enumerated() {
            let mine = (try? SdistFilename(filename)).map { Answer(name: $0.normalizedName, version: $0.version.description) }
            if mine != expected[index] {
                mismatches.append("\(filename.debugDescription): swift \(String(describing: mine)), python \(String(describing: expected[index]))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }
}
