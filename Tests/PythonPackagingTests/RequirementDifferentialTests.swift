import Foundation
import PythonPackaging
import Testing

/// PEP 508 requirements and markers against `packaging.requirements` and `packaging.markers`:
/// the real `Requires-Dist` lines of every distribution installed on the machine that made the
/// fixture, and thousands generated from fixed seeds.
@Suite("PEP 508 differential against packaging")
struct RequirementDifferentialTests {
    struct Parts: Decodable, Equatable, CustomStringConvertible {
        let name: String
        let extras: [String]
        let specifiers: [String]
        let url: String?
        let marker: String?

        init(name: String, extras: [String], specifiers: [String], url: String?, marker: String?) {
            (self.name, self.extras, self.specifiers, self.url, self.marker) = (name, extras, specifiers, url, marker)
        }

        init(_ requirement: Requirement) {
            self.init(name: requirement.name, extras: requirement.extras.sorted(),
                      specifiers: requirement.specifier.specifiers.map(\.description).sorted(),
                      url: requirement.url, marker: requirement.marker?.description)
        }

        var description: String { "\(name) \(extras) \(specifiers) url=\(url ?? "-") marker=\(marker ?? "-")" }
    }

    static func realRequirements() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/requires-dist.txt")
        return try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    static func compare(_ inputs: [String]) async throws -> (mismatches: [String], valid: Int) {
        let expected = try await Oracle.ask("requirements", inputs, as: [Parts?].self)
        var mismatches: [String] = []
        var valid = 0
        for (index, input) in inputs.enumerated() {
            let mine = (try? Requirement(input)).map(Parts.init)
            if mine != nil { valid += 1 }
            if mine != expected[index] {
                mismatches.append("\(input.debugDescription): swift \(mine.map(\.description) ?? "invalid"), python \(expected[index].map(\.description) ?? "invalid")")
            }
        }
        return (mismatches, valid)
    }

    @Test("real Requires-Dist lines: every part agrees")
    func realAgree() async throws {
        let inputs = try Self.realRequirements()
        #expect(inputs.count > 1_000)
        let (mismatches, valid) = try await Self.compare(inputs)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(valid == inputs.count)
    }

    @Test("generated requirements: valid or not, name, extras, specifiers, URL and marker agree on 6,000 inputs")
    func generatedAgree() async throws {
        var generator = InputGenerator(seed: 508)
        let inputs = (0..<6_000).map { _ in generator.requirement() }
        let (mismatches, valid) = try await Self.compare(inputs)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(valid > 2_000 && valid < inputs.count - 500, "the generator should make both kinds (valid: \(valid))")
    }

    /// Environments a marker is evaluated in: the targets' interpreters with several extra
    /// selections, a Windows one, and a lock file's with `extras` and `dependency_groups`.
    static let environments: [MarkerEnvironment] = {
        var windows = MarkerEnvironment.linux(pythonVersion: "3.12.4", machine: "AMD64")
        windows.values["sys_platform"] = "win32"
        windows.values["os_name"] = "nt"
        windows.values["platform_system"] = "Windows"
        windows.values["platform_release"] = "10"
        windows.values["platform_version"] = "10.0.22631"
        var lockFile = MarkerEnvironment.linux(pythonVersion: "3.13.5", machine: "aarch64", extras: ["docs.extra"])
        lockFile.sets = ["extras": ["Socks", "test_all"], "dependency_groups": ["dev"]]
        return [
            .linux(pythonVersion: "3.11", machine: "x86_64"),
            .linux(pythonVersion: "3.11.2", machine: "x86_64", extras: ["socks"]),
            .linux(pythonVersion: "3.13.5", machine: "aarch64", extras: ["Security", "test-all"]),
            .linux(pythonVersion: "3.8.0", machine: "i686", extras: [""]),
            windows, lockFile,
        ]
    }()

    struct Evaluated: Decodable {
        let marker: String
        let results: [Outcome]
    }

    enum Outcome: Decodable, Equatable, CustomStringConvertible {
        case value(Bool)
        case undefined

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            self = (try? container.decode(Bool.self)).map(Outcome.value) ?? .undefined
        }

        var description: String {
            switch self {
            case .value(let value): String(value)
            case .undefined: "undefined"
            }
        }
    }

    struct MarkerAnswer: Decodable {
        let evaluated: Evaluated?

        init(from decoder: any Decoder) throws {
            evaluated = try? decoder.singleValueContainer().decode(Evaluated.self)
        }
    }

    @Test("markers: valid or not, the printed form, and the value in 6 environments agree on 5,000 markers")
    func markersAgree() async throws {
        var generator = InputGenerator(seed: 496)
        var inputs = (0..<5_000).map { _ in generator.chance(10) ? generator.mutate(generator.marker()) : generator.marker() }
        inputs += try Self.realRequirements().compactMap { line in line.split(separator: ";", maxSplits: 1).dropFirst().first.map(String.init) }
        struct Item: Encodable {
            let marker: String
            let environments: [[String: [String]?]]
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(marker)
                try container.encode(environments.map(EnvironmentJSON.init))
            }
        }
        let environments = Self.environments.map { environment in
            var json: [String: [String]?] = environment.values.mapValues { [$0] }
            json["extra"] = Array(environment.extras)
            for (key, members) in environment.sets { json[key] = Array(members) }
            return json
        }
        let expected = try await Oracle.ask("markers", inputs.map { Item(marker: $0, environments: environments) }, as: [MarkerAnswer].self)
        var mismatches: [String] = []
        var valid = 0, trueCount = 0, undefinedCount = 0
        for (index, input) in inputs.enumerated() {
            let marker = try? Marker(input)
            let mine = marker.map { marker in
                Self.environments.map { environment in (try? marker.evaluate(in: environment)).map(Outcome.value) ?? .undefined }
            }
            let theirs = expected[index].evaluated
            if let mine { valid += 1; trueCount += mine.count { $0 == .value(true) }; undefinedCount += mine.count { $0 == .undefined } }
            if mine != theirs?.results || marker?.description != theirs?.marker {
                mismatches.append("\(input.debugDescription): swift \(marker?.description ?? "invalid") \(mine?.description ?? ""), python \(theirs?.marker ?? "invalid") \(theirs?.results.description ?? "")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(valid > 2_500 && trueCount > 1_000 && undefinedCount > 200, "valid \(valid), true \(trueCount), undefined \(undefinedCount)")
    }
}

/// An environment as the oracle reads it: strings, and lists for the set-valued keys.
private struct EnvironmentJSON: Encodable {
    let values: [String: [String]?]

    init(_ values: [String: [String]?]) { self.values = values }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in values {
            if ["extra", "extras", "dependency_groups"].contains(key) {
                try container.encode(value ?? [], forKey: Key(key))
            } else {
                try container.encode(value?.first ?? "", forKey: Key(key))
            }
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
