import YAMLFiles

/// Why a run could not be planned: the user must fix a file or a flag.
public enum BuildRunError: Error, Sendable, CustomStringConvertible {
    /// The whitelist (or a target definition) has errors; `wheelwright whitelist lint` shows them.
    case whitelist([Diagnostic])
    case unknownTarget(String, folder: String, known: [String])

    public var description: String {
        switch self {
        case .whitelist(let diagnostics):
            (diagnostics.map(\.description) + ["the whitelist has errors: run `wheelwright whitelist lint`"]).joined(separator: "\n")
        case let .unknownTarget(name, folder, known):
            "no target '\(name)' in \(folder)/ (have: \(known.joined(separator: ", ")))"
        }
    }
}
