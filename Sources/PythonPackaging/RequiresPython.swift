/// A release's `Requires-Python` against the interpreters a target builds with.
///
/// Targets name interpreters by major and minor (`3.11`); the micro version comes with the root
/// filesystem. A release is taken to admit `3.11` when it admits some `3.11.x`: `3.11.0` or a
/// late `3.11.99` (`>3.11` and `<3.11.5` both admit Debian 12's 3.11.2). A full version
/// (`3.11.2`) is compared as it is. Text that does not parse admits everything, as pip treats
/// an invalid `Requires-Python`: the build then says what is wrong.
public struct RequiresPython: Sendable, Hashable, CustomStringConvertible {
    public let specifiers: SpecifierSet

    /// nil for a missing, empty or unparsable value: nothing is excluded.
    public init?(_ text: String?) {
        guard let text, let parsed = try? SpecifierSet(text), !parsed.specifiers.isEmpty else { return nil }
        specifiers = parsed
    }

    public var description: String { specifiers.description }

    public func admits(python: String) -> Bool {
        let parts = python.split(separator: ".")
        let candidates = parts.count >= 3 ? [python] : [python + ".0", python + ".99"]
        return candidates.contains { text in
            guard let version = try? Version(text) else { return true }
            return specifiers.contains(version, prereleases: true)
        }
    }
}
