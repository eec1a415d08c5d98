import Foundation
import Testing

/// The module graph as docs/architecture.md tells it, held to Package.swift (read through
/// `swift package dump-package`) and to the sources: every target in the table and in a layer,
/// each declaring exactly what its files import, each importing only lower layers.
@Suite("Architecture as documented")
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Modules of the toolchain and the platform, which no target declares.
    static let toolchain: Set<String> = ["Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin", "System",
                                         "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency", "os"]

    struct Target {
        let name, kind: String
        /// Targets of this package it depends on, and modules of other packages' products.
        let targets, products: Set<String>
        /// Paths in its folder that are not sources: excluded, or copied as resources.
        var declaredOthers: [String] = []

        var folder: String { kind == "test" || name == "TestSupport" ? "Tests/\(name)" : "Sources/\(name)" }
    }

    static func targets() throws -> [Target] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ["/opt/swift/usr/bin/swift", "/usr/bin/swift"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/swift")
        // A scratch path of its own: the .build of a running `swift test` is locked.
        process.arguments = ["package", "--package-path", root.path, "--scratch-path", NSTemporaryDirectory() + "architecture-\(getpid())", "dump-package"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let package = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targets = package["targets"] as? [[String: Any]] else { throw ArchitectureFailure("swift package dump-package failed") }
        return targets.map { target in
            var local: Set<String> = [], products: Set<String> = []
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                if let name = (dependency["byName"] ?? dependency["target"]) as? [Any], let first = name.first as? String { local.insert(first) }
                if let product = dependency["product"] as? [Any], let first = product.first as? String { products.insert(first) }
            }
            let resources = (target["resources"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            return Target(name: target["name"] as? String ?? "", kind: target["type"] as? String ?? "", targets: local, products: products,
                          declaredOthers: (target["exclude"] as? [String] ?? []) + resources)
        }
    }

    /// The modules the Swift files under `folder` import (the toolchain's left out).
    static func imports(under folder: String) throws -> Set<String> {
        let pattern = try Regex(#"^\s*(?:@\w+\s+)*(?:public |package |internal )?import (?:struct |class |enum |func |protocol |typealias |var |let )?([A-Za-z_][A-Za-z0-9_]*)"#)
        var found: Set<String> = []
        let base = root.appendingPathComponent(folder)
        guard let files = FileManager.default.enumerator(atPath: base.path) else { return [] }
        for case let path as String in files where path.hasSuffix(".swift") {
            let text = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
            // Lines inside multi-line string literals (Python scripts, fixtures) import nothing.
            var inLiteral = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !inLiteral, let match = line.firstMatch(of: pattern), let name = match.output[1].substring { found.insert(String(name)) }
                if line.split(separator: "\"\"\"", omittingEmptySubsequences: false).count.isMultiple(of: 2) { inLiteral.toggle() }
            }
        }
        return found.subtracting(toolchain)
    }

    @Test("every file in a target's folder is a source, or declared excluded or a resource (SwiftPM warns of each other file on every build)")
    func undeclaredFiles() throws {
        let sources: Set<String> = ["swift", "c", "h", "cc", "cpp", "modulemap"]
        var undeclared: [String] = []
        for target in try Self.targets() {
            let base = Self.root.appendingPathComponent(target.folder)
            guard let files = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in files {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isFolder), !isFolder.boolValue,
                      !sources.contains(URL(fileURLWithPath: path).pathExtension) else { continue }
                if !target.declaredOthers.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { undeclared.append("\(target.folder)/\(path)") }
            }
        }
        #expect(undeclared.isEmpty, "declare these in Package.swift (exclude: or resources:): \(undeclared)")
    }

    @Test("every command whose run() awaits is an AsyncParsableCommand (ArgumentParser prints a plain ParsableCommand's help instead of running an async run())")
    func asyncCommands() throws {
        let declaration = try Regex(#"struct (\w+): (Async)?ParsableCommand"#)
        let base = Self.root.appendingPathComponent("Sources/WheelwrightCLI")
        var wrong: [String] = []
        for path in try FileManager.default.contentsOfDirectory(atPath: base.path) where path.hasSuffix(".swift") {
            let text = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
            // Each command's text runs to the next command's declaration.
            let commands = text.matches(of: declaration)
            for (position, command) in commands.enumerated() where command.output[2].substring == nil {
                let end = position + 1 < commands.count ? commands[position + 1].range.lowerBound : text.endIndex
                if text[command.range.upperBound..<end].contains("func run() async") { wrong.append("\(path): \(command.output[1].substring ?? "")") }
            }
        }
        #expect(wrong.isEmpty, "ParsableCommand with an async run(), which never runs: \(wrong)")
    }

    @Test("each target declares exactly what its files import: the package's targets and other packages' products")
    func declaredImports() throws {
        for target in try Self.targets() where target.kind != "system" {
            let files = FileManager.default.enumerator(atPath: Self.root.appendingPathComponent(target.folder).path)?.compactMap { $0 as? String }
            #expect(files?.contains { $0.hasSuffix(".swift") || $0.hasSuffix(".c") } == true, "\(target.name): no source file under \(target.folder)")
            let imported = try Self.imports(under: target.folder)
            let declared = target.targets.union(target.products)
            #expect(imported.subtracting(declared).isEmpty, "\(target.name) imports \(imported.subtracting(declared).sorted()) without declaring them")
            #expect(declared.subtracting(imported).isEmpty, "\(target.name) declares \(declared.subtracting(imported).sorted()) and imports none of them")
        }
    }

    /// docs/architecture.md's module table: each row's targets (backticked in the first cell)
    /// and the project targets the last cell says it imports.
    static func documentedTable() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        guard let start = text.range(of: "## Modules") else { throw ArchitectureFailure("docs/architecture.md has no ## Modules") }
        var rows: [String: Set<String>] = [:]
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`") else { continue }
            let names = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
            let imports = cells[cells.count - 2]
            let listed = imports == "—" ? [] : Set(imports.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            for name in names { rows[name] = listed }
        }
        return rows
    }

    /// The layers of docs/architecture.md's graph: target → its layer's number.
    static func documentedLayers() throws -> [String: Int] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        guard let start = text.range(of: "The graph in layers"), let open = text.range(of: "```\n", range: start.upperBound..<text.endIndex),
              let close = text.range(of: "```", range: open.upperBound..<text.endIndex) else { throw ArchitectureFailure("docs/architecture.md has no layer graph") }
        var layers: [String: Int] = [:]
        var layer = -1
        for line in text[open.upperBound..<close.lowerBound].split(separator: "\n") {
            var rest = Substring(line)
            if let first = rest.first, first.isNumber {
                layer = Int(String(rest.prefix { $0.isNumber })) ?? layer
                rest = rest.drop { $0.isNumber }
            }
            // Names outside brackets, separated by "·".
            var depth = 0, name = ""
            for character in rest + " " {
                switch character {
                case "[": depth += 1
                case "]": depth -= 1
                case _ where depth == 0 && (character.isLetter || character.isNumber || character == "-"): name.append(character)
                default:
                    if depth == 0, !name.isEmpty { layers[name] = layer; name = "" }
                }
            }
        }
        return layers
    }

    @Test("docs/architecture.md's module table and layer graph are Package.swift's: every target, its project dependencies, none on its own layer or above")
    func documentedGraph() throws {
        let targets = try Self.targets().filter { $0.kind != "test" && $0.name != "TestSupport" }
        let table = try Self.documentedTable(), layers = try Self.documentedLayers()
        #expect(Set(table.keys) == Set(targets.map(\.name)), "the table lists \(Set(table.keys).symmetricDifference(targets.map(\.name)).sorted()) differently")
        for target in targets {
            #expect(table[target.name] == target.targets, "\(target.name): the table says \(table[target.name]?.sorted() ?? []), Package.swift \(target.targets.sorted())")
            guard let layer = layers[target.name] else {
                Issue.record("\(target.name) is in no layer of the graph")
                continue
            }
            for dependency in target.targets {
                #expect((layers[dependency] ?? .max) < layer, "\(target.name) (layer \(layer)) depends on \(dependency) (layer \(layers[dependency].map(String.init) ?? "none"))")
            }
        }
    }
}

struct ArchitectureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
