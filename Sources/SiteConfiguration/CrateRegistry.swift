import Foundation

/// Where crates are vendored from before a Rust extension's build (`crate-registry:` in the
/// config): crates.io when none is configured, else a company mirror (a sparse index URL) or a
/// local registry folder on the build host (cargo's `local-registry`, as `cargo local-registry`
/// or a mirror tool writes it: `index/` and the `.crate` files).
public enum CrateRegistry: Sendable, Hashable, CustomStringConvertible {
    /// `sparse+https://crates.example.com/index/`
    case sparse(String)
    /// An absolute folder on the build host.
    case local(String)

    /// Parses the config's text; nil with the reason when it is neither form. The text ends up
    /// in a cargo config file as a TOML string, so quotes, backslashes and control characters
    /// are refused rather than escaped.
    public static func parse(_ text: String) -> Result<CrateRegistry, CrateRegistryError> {
        guard !text.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) else {
            return .failure(CrateRegistryError(text: text, reason: "it holds a quote, a backslash or a control character"))
        }
        if text.hasPrefix("sparse+") {
            let rest = text.dropFirst("sparse+".count)
            guard let url = URL(string: String(rest)), url.scheme == "https" || url.scheme == "http", url.host?.isEmpty == false else {
                return .failure(CrateRegistryError(text: text, reason: "a sparse index is sparse+https://HOST/PATH/"))
            }
            return .success(.sparse(text.hasSuffix("/") ? text : text + "/"))
        }
        guard text.hasPrefix("/"), !text.contains("://"), !text.split(separator: "/").contains("..") else {
            return .failure(CrateRegistryError(text: text, reason: "expected sparse+https://… (a mirror) or an absolute folder (a local registry)"))
        }
        return .success(.local(text))
    }

    public var description: String {
        switch self {
        case .sparse(let url): url
        case .local(let folder): folder
        }
    }
}

/// A `crate-registry:` that is neither a sparse index URL nor an absolute folder.
public struct CrateRegistryError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "'\(text)' is not a crate registry: \(reason)" }
}
