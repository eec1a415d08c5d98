import Foundation
import PythonPackaging
import Runners
import Upstream

/// Why a build failed, read from its log: the class, the lines that decide it, and what to do.
/// Pure: `DebianContents` names the Debian package for a missing file afterwards.
public struct FailureDiagnosis: Sendable, Equatable {
    public enum Kind: Sendable {
        case missingTool
        case missingHeader
        case missingLibrary
        case interpreterMismatch
        case networkInSandbox
        /// Vendoring the crates of its Cargo.lock failed: no crate registry answered (or lacked a crate).
        case crateRegistry
        /// A build requirement no upstream index has a wheel of for this target.
        case buildRequirement
        /// A build requirement the company's index has no wheel of (build requirements whitelisted).
        case buildRequirementNotWhitelisted
        case limit
        case upstream
        /// The sdist asked for something wheelwright refuses to act on (a build requirement that
        /// is a pip option, a URL or a path): nothing it named was run on the host.
        case hostileInput
        /// The built wheel did not install or import in the target's base system (the import check).
        case importFailure
        /// The entry's `test:` command failed where the wheel was installed.
        case testFailure
        case unknown

        /// Worth another try within the run: only trouble outside the build itself.
        public var isTransient: Bool { self == .upstream }

        var label: String {
            switch self {
            case .missingTool: "missing tool"
            case .missingHeader: "missing header"
            case .missingLibrary: "missing library"
            case .interpreterMismatch: "interpreter mismatch"
            case .networkInSandbox: "network needed inside the sandbox"
            case .crateRegistry: "needs a crate registry"
            case .buildRequirement: "build requirement unavailable"
            case .buildRequirementNotWhitelisted: "build requirement not whitelisted"
            case .limit: "limit reached"
            case .upstream: "upstream trouble"
            case .hostileInput: "hostile input"
            case .importFailure: "import failure"
            case .testFailure: "test failure"
            case .unknown: "build error"
            }
        }
    }

    public let kind: Kind
    /// The decisive log lines (at most three), as the log has them.
    public let evidence: [String]
    /// What to do.
    public let hint: String
    /// A file the build looked for and the target lacks: `DebianContents` names its package.
    public let missing: DebianContents.Wanted?

    /// One line for the report, the JUnit message, the closing table and the pages.
    public var summary: String {
        "\(kind.label): " + (evidence.isEmpty ? "" : evidence.joined(separator: " | ") + "; ") + hint
    }

    /// `hint` replaced once the providing package is known.
    public func resolving(packages: [String], target: String) -> FailureDiagnosis {
        guard let missing, let package = packages.first else { return self }
        let what = switch missing {
        case .header(let path): "<\(path)>"
        case .library(let name): "lib\(name).so"
        }
        let others = packages.count > 1 ? " (or \(packages.dropFirst().prefix(3).joined(separator: ", ")))" : ""
        return FailureDiagnosis(kind: kind, evidence: evidence,
                                hint: "\(target)'s \(package)\(others) provides \(what): add to the entry `system-packages: [\(package)]`",
                                missing: missing)
    }

    /// A failure outside the build that may pass (`UpstreamError.isTransient`), in `step`
    /// (`fetch: `); nil for any other error.
    public static func upstream(_ error: any Error, during step: String = "") -> FailureDiagnosis? {
        guard let error = error as? UpstreamError, error.isTransient else { return nil }
        return FailureDiagnosis(kind: .upstream, evidence: ["\(step)\(error)"], hint: "it may pass: the item is tried again within the run", missing: nil)
    }

    /// A wheelhouse that cannot be filled because the index it fills from has no wheel of a
    /// build requirement for this target (pip's `No matching distribution found for X`): upstream,
    /// or the company's index when build requirements are `whitelisted` (then the fix is the
    /// `whitelist add` of it); nil for any other error.
    public static func buildRequirement(_ error: any Error, whitelisted: Bool) -> FailureDiagnosis? {
        guard let error = error as? UpstreamError, !error.isTransient, case .wheelhouse(let requirements, let reason) = error else { return nil }
        let marker = "No matching distribution found for "
        let line = reason.split(separator: "\n").last { $0.contains(marker) }.map(String.init)
        let missing = line.map { $0.replacingOccurrences(of: "ERROR: ", with: "") }
        let evidence = [missing ?? "cannot fill a wheelhouse for \(requirements)"]
        guard whitelisted else {
            return FailureDiagnosis(kind: .buildRequirement, evidence: evidence,
                                    hint: "builds install their build requirements as wheels only, from the upstream indices: add an index that has it (`upstream:`), or pin an older release whose build does not need it", missing: nil)
        }
        let wanted = line.flatMap { text in text.range(of: marker).map { String(text[$0.upperBound...]).trimmingCharacters(in: .whitespaces) } }
        let name = wanted.flatMap { try? Requirement($0) }?.project
        let fix = name.map { "wheelwright whitelist add '\($0)' --with-deps --build-requirements whitelisted" } ?? "wheelwright whitelist lint --deps --build-requirements whitelisted"
        return FailureDiagnosis(kind: .buildRequirementNotWhitelisted, evidence: evidence,
                                hint: "build requirements are installed from the company's index only (build-requirements: whitelisted), built here before what needs them; whitelist it: \(fix)", missing: nil)
    }

    /// A refusal of what the sdist says (`PackagingError.refusedBuildRequirement`, or the build
    /// driver's `RunnerError.hostileInput`); nil for any other error.
    public static func hostileInput(_ error: any Error) -> FailureDiagnosis? {
        let evidence: String
        switch error {
        case PackagingError.refusedBuildRequirement(let text, let reason):
            evidence = "build requirement '\(PackagingError.quoted(text))': \(reason)"
        case RunnerError.hostileInput(let reason, _):
            evidence = reason
        default:
            return nil
        }
        return FailureDiagnosis(kind: .hostileInput, evidence: [evidence], hint: Self.hostileHint, missing: nil)
    }

    static let hostileHint = "nothing it named was run; review the release before it stays on the whitelist"

    /// `hint` with `note` after it.
    public func noting(_ note: String) -> FailureDiagnosis {
        FailureDiagnosis(kind: kind, evidence: evidence, hint: "\(hint) (\(note))", missing: missing)
    }

    /// Reads `log` (its last part is enough: a build stops at its first fatal error) with the
    /// limits the supervisor reported.
    public static func diagnose(log: String, limitsHit: [String]) -> FailureDiagnosis {
        if !limitsHit.isEmpty {
            let lines = matching(log) { $0.hasPrefix("[wheelwright: ") }
            return FailureDiagnosis(kind: .limit, evidence: lines, hint: "the \(limitsHit.joined(separator: ", ")) limit stopped it: raise it (--timeout, limits in the config) if the build is legitimately that big, else look for a hang", missing: nil)
        }
        let lines = log.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
        for rule in rules(lines) {
            for line in lines.reversed() {
                if let diagnosis = rule(line) { return diagnosis }
            }
        }
        let errors = lines.filter { $0.localizedCaseInsensitiveContains("error") && !$0.hasPrefix("[wheelwright") }.suffix(3)
        return FailureDiagnosis(kind: .unknown, evidence: Array(errors), hint: "read the log", missing: nil)
    }

    private static func matching(_ log: String, _ predicate: (Substring) -> Bool) -> [String] {
        log.split(separator: "\n").filter(predicate).suffix(3).map { String($0) }
    }

    private static func diagnosis(_ kind: Kind, _ line: String, _ hint: String, _ missing: DebianContents.Wanted? = nil) -> FailureDiagnosis {
        FailureDiagnosis(kind: kind, evidence: [line.trimmingCharacters(in: .whitespaces)], hint: hint, missing: missing)
    }

    /// Each rule looks at one line; the first rule that matches any line (from the end) wins,
    /// so a specific cause beats the generic `error: command … failed` that follows it. The
    /// patterns are made once per diagnosis (and checked when wheelwright is compiled), each
    /// capturing the name.
    private static func rules(_ lines: [String]) -> [(String) -> FailureDiagnosis?] {
        let missingHeaderLine = #/fatal error: ([A-Za-z0-9_./+-]+\.h(?:pp)?): No such file or directory/#
        let missingLibraryLine = #/cannot find -l([A-Za-z0-9_.+-]+)/#
        let toolNotFoundLines = [#/(?:command '|)([A-Za-z0-9_.+-]+)'?: (?:command )?not found/#,
                                 #/error: command '(?:/usr/bin/)?([A-Za-z0-9_.+-]+)' failed: No such file or directory/#,
                                 #/Could not find (?:program|tool) '?([A-Za-z0-9_.+-]+)/#]
        return [
            { line in
                guard line.hasPrefix(RunnerError.hostileInputMark) else { return nil }
                return diagnosis(.hostileInput, String(line.dropFirst(RunnerError.hostileInputMark.count + 1)), hostileHint)
            },
            { line in
                guard line.hasPrefix("wheelwright: cargo vendor could not") else { return nil }
                // Cargo's deepest causes: the lines just before, without its "Caused by:" headings and retry warnings.
                let cause = lines.prefix { $0 != line }.map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && $0 != "Caused by:" && !$0.hasPrefix("warning:") }.suffix(2)
                return FailureDiagnosis(kind: .crateRegistry, evidence: Array(cause) + [line], hint: "the crates of its Cargo.lock could not be vendored: make crates.io reachable from the build host, or set `crate-registry:` in the config to a company mirror (sparse+https://…) or a local registry folder", missing: nil)
            },
            { line in
                guard let header = line.firstMatch(of: missingHeaderLine).map({ String($0.1) }) else { return nil }
                return diagnosis(.missingHeader, line, "the target has no \(header): add the Debian package that provides it to the entry's `system-packages`", .header(header))
            },
            { line in
                guard let library = line.firstMatch(of: missingLibraryLine).map({ String($0.1) }) else { return nil }
                return diagnosis(.missingLibrary, line, "the target has no lib\(library).so: add the Debian -dev package that provides it to the entry's `system-packages`", .library(library))
            },
            { line in
                guard line.contains("requires a different Python") else { return nil }
                return diagnosis(.interpreterMismatch, line, "the release's Requires-Python excludes this interpreter: pin an older release or build for a target with a newer Python")
            },
            { line in
                if line.contains("can't find Rust compiler") || line.contains("Cargo, the Rust package manager, is not installed") {
                    return diagnosis(.missingTool, line, "name the target's Rust toolchain in its target.yaml, `rust-packages:` (debian-12: rustc-web, cargo-web; debian-13: rustc, cargo): it is installed for every sdist with a Cargo.toml")
                }
                guard let tool = toolNotFoundLines.lazy.compactMap({ line.firstMatch(of: $0).map { String($0.1) } }).first else { return nil }
                return diagnosis(.missingTool, line, "the target has no \(tool): add the Debian package that provides it (\(Self.packageHint(forTool: tool))) to the entry's `system-packages`")
            },
            { line in
                let signs = ["Temporary failure in name resolution", "Failed to establish a new connection", "Network is unreachable",
                             "failed to get `", "Could not resolve host", "No matching distribution found for", "Could not fetch URL"]
                guard signs.contains(where: line.contains) else { return nil }
                return diagnosis(.networkInSandbox, line, "builds run offline: a build requirement must be in the entry's wheelhouse (PEP 517 requirements are fetched before the build), and crates must be vendored")
            },
        ]
    }

    /// Debian's package for common build tools.
    static func packageHint(forTool tool: String) -> String {
        switch tool {
        case "gcc", "cc", "x86_64-linux-gnu-gcc", "make": "build-essential"
        case "g++", "c++", "x86_64-linux-gnu-g++": "g++"
        case "cmake": "cmake"
        case "pkg-config", "pkgconf": "pkgconf"
        case "swig", "swig4.0": "swig"
        case "gfortran": "gfortran"
        case "ninja": "ninja-build"
        default: "search https://packages.debian.org for \(tool)"
        }
    }
}
