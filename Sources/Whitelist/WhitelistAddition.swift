import SiteConfiguration
import YAMLFiles
import PythonPackaging

/// The decision of `whitelist add` once upstream has answered: refuse a denied version, insert
/// the entry with the editor, and accept the change only if the whole whitelist still lints
/// without errors. Pure: the caller reads and writes the files.
public enum WhitelistAddition {
    /// One file the change edits: its new text and the changed lines as a diff.
    public struct FileChange: Sendable, Equatable {
        public let path: String
        public let text: String
        public let diff: String
    }

    public enum Outcome: Sendable, Equatable {
        /// The files' new texts with their diffs (the requested file first), and the lint summary
        /// after the change, with each warning the change brought on its own line.
        case changed(files: [FileChange], summary: String)
        /// Nothing to do (the version is already listed), and why.
        case unchanged(String)
    }

    /// Adds `requests` to the whitelist in one change: the first (the package asked for) to
    /// `path` (whose text is `original`, empty for a new file), each further one (what it needs)
    /// to the file of the folder that already lists its project, else to `path` too; `whitelist`
    /// is every whitelist file of the folder, as they are now.
    public static func add(_ requests: [WhitelistEditor.Request], to path: String, original: String,
                           whitelist: [SourceFile], targets: [TargetDefinition]) throws -> Outcome {
        let existing = Whitelist.read(whitelist, targets: targets)
        guard existing.errorCount == 0 else {
            // Not the change's fault: say so, and what is wrong already.
            let errors = existing.diagnostics.filter { $0.severity == .error }.map(\.description)
            throw PackageRequest.Failure(description: (["the whitelist has \(errors.count) error\(errors.count == 1 ? "" : "s") before this change:"] + errors
                + ["fix \(errors.count == 1 ? "it" : "them") first (wheelwright whitelist lint shows the same); nothing is changed"]).joined(separator: "\n"))
        }
        let current = existing.whitelist
        for request in requests {
            if let rule = current?.denial(of: request.name, version: request.version) {
                throw PackageRequest.Failure(description: "\(request.name) \(request.version) is denied at \(rule.location): \(rule.reason)")
            }
        }
        if let request = requests.first { try refuseListedElsewhere(request, path: path, whitelist: whitelist, targets: targets) }
        let (edited, notes) = try applying(requests, to: path, original: original, sources: whitelist, targets: targets)
        let before = Dictionary(whitelist.map { (normalized($0.path), text(of: $0)) }, uniquingKeysWith: { first, _ in first })
        let changed = edited.filter { before[normalized($0.path)] ?? (normalized($0.path) == normalized(path) ? original : "") != text(of: $0) }
        guard !changed.isEmpty else { return .unchanged(notes.joined(separator: "\n")) }
        let report = Whitelist.read(edited, targets: targets)
        guard report.errorCount == 0 else {
            let errors = report.diagnostics.filter { $0.severity == .error }.map(\.description)
            throw PackageRequest.Failure(description: (errors + ["the change would break the whitelist; nothing is changed"]).joined(separator: "\n"))
        }
        // The requested file first, then the others by path.
        let files = changed.sorted { (normalized($0.path) == normalized(path) ? 0 : 1, $0.path) < (normalized($1.path) == normalized(path) ? 0 : 1, $1.path) }.map { file in
            let old = before[normalized(file.path)] ?? (normalized(file.path) == normalized(path) ? original : "")
            return FileChange(path: file.path, text: text(of: file), diff: LineDiff.text(old, text(of: file), path: file.path))
        }
        // The warnings the change brought (a missing reason), not those the folder had already.
        let had = Set(existing.diagnostics.map(\.message))
        let brought = report.diagnostics.filter { $0.severity == .warning && !had.contains($0.message) }.map { "\n\($0)" }
        return .changed(files: files, summary: report.summary + brought.joined())
    }

    /// Refuses the package asked for when another file of the folder lists it, with the command
    /// that adds the version to that entry (the asker named `path`; the change goes elsewhere).
    public static func refuseListedElsewhere(_ request: WhitelistEditor.Request, path: String, whitelist: [SourceFile],
                                             targets: [TargetDefinition]) throws {
        guard let listed = listings(in: whitelist, besides: path, targets: targets)[request.name.normalized] else { return }
        throw PackageRequest.Failure(description: """
            \(request.name) is already listed at \(listed.location), in another file than \(path); \
            to add \(request.version) to that entry, run:
              \(command(adding: request, to: listed.location.file))
            """)
    }

    /// Every whitelist file with `requests` applied, routed as `add` routes them (the files
    /// nothing was added to as they were).
    public static func apply(_ requests: [WhitelistEditor.Request], to path: String, original: String, sources: [SourceFile],
                             targets: [TargetDefinition]) throws -> [SourceFile] {
        try applying(requests, to: path, original: original, sources: sources, targets: targets).files
    }

    private static func applying(_ requests: [WhitelistEditor.Request], to path: String, original: String,
                                 sources: [SourceFile], targets: [TargetDefinition]) throws -> (files: [SourceFile], notes: [String]) {
        var texts = Dictionary(sources.map { (normalized($0.path), ($0.path, text(of: $0))) }, uniquingKeysWith: { first, _ in first })
        texts[normalized(path)] = (path, original)
        var notes: [String] = []
        let listed = listings(in: sources, besides: path, targets: targets)
        for (position, request) in requests.enumerated() {
            let file = position == 0 ? path : listed[request.name.normalized]?.location.file ?? path
            let (name, text) = texts[normalized(file)] ?? (file, "")
            switch try WhitelistEditor.add(request, to: text, path: name) {
            case .changed(let updated): texts[normalized(file)] = (name, updated)
            case .unchanged(let note): notes.append(note)
            }
        }
        return (texts.values.map { SourceFile(path: $0.0, text: $0.1) }.sorted { $0.path < $1.path }, notes)
    }

    private static func text(of source: SourceFile) -> String { String(decoding: source.bytes, as: UTF8.self) }

    /// Where the files of `sources` other than `path` list each project, by normalized name
    /// (the first place when several do): each file decoded once.
    private static func listings(in sources: [SourceFile], besides path: String,
                                 targets: [TargetDefinition]) -> [String: (name: ProjectName, location: SourceLocation)] {
        var found: [String: (name: ProjectName, location: SourceLocation)] = [:]
        for source in sources where normalized(source.path) != normalized(path) {
            guard let file = WhitelistDecoder.decode(source, targets: targets).0 else { continue }
            for listed in file.listedNames where found[listed.name.normalized] == nil { found[listed.name.normalized] = listed }
        }
        return found
    }

    /// The `whitelist add` command line that adds `request` to `file`, quoted for a POSIX shell.
    static func command(adding request: WhitelistEditor.Request, to file: String) -> String {
        var words = ["wheelwright", "whitelist", "add", "\(request.name.original)==\(request.version)", "--file", file]
        if let requestedBy = request.requestedBy { words += ["--requested-by", requestedBy] }
        if let reason = request.reason { words += ["--reason", reason] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as one word of a POSIX shell's command line.
    public static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,/=:@+".contains($0)) }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `./a//b.yaml` and `a/b.yaml` name one file.
    public static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
