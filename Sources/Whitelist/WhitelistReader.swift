import SiteConfiguration
import YAMLFiles
import PythonPackaging

/// The outcome of reading every whitelist file together: the whitelist when there are no
/// errors, and every diagnostic in file order.
public struct WhitelistReport: Sendable {
    public let whitelist: Whitelist?
    public let diagnostics: [Diagnostic]
    public let fileCount: Int
    public let packageCount: Int
    /// Entries taken as upstream's wheels (`prebuilt:`) rather than built here.
    public let prebuiltCount: Int
    public let denyCount: Int

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// The same report with more findings (those of the target definitions, say) folded in.
    public func adding(_ more: [Diagnostic]) -> WhitelistReport {
        let all = (diagnostics + more).sorted()
        return WhitelistReport(
            whitelist: all.contains { $0.severity == .error } ? nil : whitelist,
            diagnostics: all, fileCount: fileCount, packageCount: packageCount, prebuiltCount: prebuiltCount, denyCount: denyCount
        )
    }

    /// One line for a person: `3 files, 27 packages (1 prebuilt), 2 denied: 0 errors, 4 warnings`.
    public var summary: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let prebuilt = prebuiltCount > 0 ? " (\(prebuiltCount) prebuilt)" : ""
        return "\(plural(fileCount, "file")), \(plural(packageCount, "package"))\(prebuilt), \(denyCount) denied: \(plural(errorCount, "error")), \(plural(warningCount, "warning"))"
    }
}

extension Whitelist {
    /// Decodes each file, then checks what only the whole set shows: a project listed twice
    /// (after PEP 503 normalization), and entries that a deny rule stops.
    public static func read(_ sources: [SourceFile], targets: [TargetDefinition]) -> WhitelistReport {
        var diagnostics: [Diagnostic] = []
        var files: [WhitelistFile] = []
        for source in sources {
            let (file, found) = WhitelistDecoder.decode(source, targets: targets)
            diagnostics += found
            guard let file else { continue }
            if file.packages.isEmpty && file.deny.isEmpty && !found.contains(where: { $0.severity == .error }) {
                diagnostics.append(.note(at: SourceLocation(file: source.path, line: 1, column: 1), "no packages in this file (valid: nothing to build)"))
            }
            files.append(file)
        }

        var firstListing: [ProjectName: (name: ProjectName, location: SourceLocation)] = [:]
        for listed in files.flatMap(\.listedNames) {
            if let first = firstListing[listed.name] {
                diagnostics.append(.error(at: listed.location, "'\(listed.name)' is already listed at \(first.location) (as '\(first.name)'; names are compared after PEP 503 normalization): merge the two entries"))
            } else {
                firstListing[listed.name] = listed
            }
        }

        let deny = files.flatMap(\.deny)
        for entry in files.flatMap(\.packages) {
            for rule in deny where rule.name == entry.name {
                switch entry.selection {
                case .exact(let versions):
                    let denied = versions.filter(rule.denies)
                    if !denied.isEmpty {
                        let list = denied.map(\.description).joined(separator: ", ")
                        diagnostics.append(.warning(at: entry.location, "'\(entry.name)' \(list) will never be built: denied at \(rule.location) (\(rule.reason))"))
                    }
                case .latest:
                    if rule.specifier == nil {
                        diagnostics.append(.warning(at: entry.location, "'\(entry.name)' will never be built: denied at \(rule.location) (\(rule.reason))"))
                    }
                }
            }
        }

        let packages = files.flatMap { file in file.packages.map { resolve($0, defaults: file.defaults, targets: targets) } }
        let sorted = diagnostics.sorted()
        let hasErrors = sorted.contains { $0.severity == .error }
        return WhitelistReport(
            whitelist: hasErrors ? nil : Whitelist(files: files, packages: packages, deny: deny),
            diagnostics: sorted,
            fileCount: sources.count,
            packageCount: files.reduce(0) { $0 + $1.packages.count },
            prebuiltCount: files.reduce(0) { $0 + $1.packages.count { !$0.prebuilt.isEmpty } },
            denyCount: deny.count
        )
    }

    /// Applies defaults: the entry's targets, else the file's, else every target; per target,
    /// the requested interpreters it has, else all of its own.
    static func resolve(_ entry: PackageEntry, defaults: WhitelistDefaults, targets: [TargetDefinition]) -> ResolvedPackage {
        let (names, pythons) = interpreters(targets: entry.targets, pythons: entry.pythons, defaults: defaults, definitions: targets)
        return ResolvedPackage(entry: entry, targets: names, pythons: pythons)
    }

    /// An entry's targets (its own, else the file's, else every target) and each target's
    /// interpreters (the requested ones it has, else all of its own).
    public static func interpreters(targets: [String]?, pythons: [String]?, defaults: WhitelistDefaults,
                                    definitions: [TargetDefinition]) -> (targets: [String], pythons: [String: [String]]) {
        let names = targets ?? defaults.targets ?? definitions.map(\.name).sorted()
        let requested = pythons ?? defaults.pythons
        var interpreters: [String: [String]] = [:]
        for target in definitions where names.contains(target.name) {
            interpreters[target.name] = requested.map { $0.filter(target.pythonVersions.contains) } ?? target.pythonVersions
        }
        return (names, interpreters)
    }
}
