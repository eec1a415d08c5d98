import SiteConfiguration
import YAMLFiles
import PythonPackaging

/// The decision of `whitelist add` once upstream has answered: refuse a denied version, insert
/// the entry with the editor, and accept the change only if the whole whitelist still lints
/// without errors. Pure: the caller reads and writes the files.
public enum WhitelistAddition {
    public enum Outcome: Sendable, Equatable {
        /// The file's new text, the changed lines as a diff, and the lint summary after the change.
        case changed(text: String, diff: String, summary: String)
        /// Nothing to do (the version is already listed), and why.
        case unchanged(String)
    }

    /// Adds `requests` to `path` (whose text is `original`, empty for a new file) in one change;
    /// `whitelist` is every whitelist file of its folder, as they are now.
    public static func add(_ requests: [WhitelistEditor.Request], to path: String, original: String,
                           whitelist: [SourceFile], targets: [TargetDefinition]) throws -> Outcome {
        let current = Whitelist.read(whitelist, targets: targets).whitelist
        for request in requests {
            if let rule = current?.denial(of: request.name, version: request.version) {
                throw PackageRequest.Failure(description: "\(request.name) \(request.version) is denied at \(rule.location): \(rule.reason)")
            }
            let elsewhere = (current?.files ?? []).filter { normalized($0.path) != normalized(path) }
                .compactMap { file in file.listedNames.first { $0.name == request.name } }
            if let listed = elsewhere.first {
                throw PackageRequest.Failure(description: """
                    \(request.name) is already listed at \(listed.location), in another file than \(path); \
                    to add \(request.version) to that entry, run:
                      \(command(adding: request, to: listed.location.file))
                    """)
            }
        }
        let (updated, notes) = try applying(requests, to: original, path: path)
        guard updated != original else { return .unchanged(notes.joined(separator: "\n")) }
        let sources = whitelist.filter { normalized($0.path) != normalized(path) } + [SourceFile(path: path, text: updated)]
        let report = Whitelist.read(sources, targets: targets)
        guard report.errorCount == 0 else {
            let errors = report.diagnostics.filter { $0.severity == .error }.map(\.description)
            throw PackageRequest.Failure(description: (errors + ["the change would break the whitelist; \(path) is unchanged"]).joined(separator: "\n"))
        }
        return .changed(text: updated, diff: diff(original, updated, path: path), summary: report.summary)
    }

    /// The text with each request inserted by the editor (one already listed changes nothing).
    public static func apply(_ requests: [WhitelistEditor.Request], to original: String, path: String) throws -> String {
        try applying(requests, to: original, path: path).text
    }

    private static func applying(_ requests: [WhitelistEditor.Request], to original: String, path: String) throws -> (text: String, notes: [String]) {
        var text = original
        var notes: [String] = []
        for request in requests {
            switch try WhitelistEditor.add(request, to: text, path: path) {
            case .changed(let updated): text = updated
            case .unchanged(let note): notes.append(note)
            }
        }
        return (text, notes)
    }

    /// The `whitelist add` command line that adds `request` to `file`, quoted for a POSIX shell.
    static func command(adding request: WhitelistEditor.Request, to file: String) -> String {
        var words = ["wheelwright", "whitelist", "add", "\(request.name.original)==\(request.version)", "--file", file]
        if let requestedBy = request.requestedBy { words += ["--requested-by", requestedBy] }
        if let reason = request.reason { words += ["--reason", reason] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,/=:@+".contains($0)) }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `./a//b.yaml` and `a/b.yaml` name one file.
    public static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// The changed lines, as `-`/`+` lines with their line numbers: the editor changes one place.
    static func diff(_ old: String, _ new: String, path: String) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var lines = ["--- \(path)", "+++ \(path)", "@@ line \(prefix + 1) @@"]
        lines += a[prefix..<(a.count - suffix)].map { "-" + $0 }
        lines += b[prefix..<(b.count - suffix)].map { "+" + $0 }
        return lines.joined(separator: "\n")
    }
}
