/// Why a string is not a valid packaging value; the description names the input and the rule.
public enum PackagingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidVersion(String)
    case numberTooLarge(String)
    case invalidSpecifier(String, reason: String)
    case invalidName(String)
    case invalidTag(String, reason: String)
    case invalidWheelFilename(String, reason: String)
    case invalidSdistFilename(String, reason: String)
    case invalidPlatformTag(String)
    case invalidMetadata(line: Int, reason: String)
    case invalidELF(String)
    case invalidRequirement(String, reason: String)
    /// A build requirement an sdist names that is not a plain requirement an index satisfies.
    case refusedBuildRequirement(String, reason: String)
    case invalidMarker(String, reason: String)
    case undefinedMarkerComparison(String)

    public var description: String {
        switch self {
        case .invalidVersion(let text):
            "invalid version '\(text)': not a PEP 440 version (e.g. 1.2, 2!1.0rc1, 1.0.post2.dev3+local.1)"
        case .numberTooLarge(let text):
            "invalid version '\(text)': a number in it does not fit in 64 bits"
        case let .invalidSpecifier(text, reason):
            "invalid version specifier '\(text)': \(reason)"
        case .invalidName(let text):
            "invalid project name '\(text)': use ASCII letters, digits, '.', '-' and '_', starting and ending with a letter or digit"
        case let .invalidTag(text, reason):
            "invalid tag '\(text)': \(reason)"
        case let .invalidWheelFilename(text, reason):
            "invalid wheel filename '\(text)': \(reason)"
        case let .invalidSdistFilename(text, reason):
            "invalid sdist filename '\(text)': \(reason)"
        case .invalidPlatformTag(let text):
            "invalid manylinux platform tag '\(text)': expected manylinux_X_Y_ARCH or manylinux1/2010/2014_ARCH"
        case let .invalidMetadata(line, reason):
            "invalid core metadata at line \(line): \(reason)"
        case .invalidELF(let reason):
            "cannot audit a shared object: \(reason)"
        case let .invalidRequirement(text, reason):
            "invalid requirement '\(text)': \(reason) (PEP 508: NAME[EXTRAS] SPECIFIERS ; MARKER, e.g. requests[socks]>=2.31 ; python_version >= \"3.8\")"
        case let .refusedBuildRequirement(text, reason):
            "hostile input: the build requirement '\(Self.quoted(text))' is refused: \(reason); an sdist's build requirements must be plain PEP 508 requirements an index satisfies (setuptools>=61, cython; python_version < \"3.13\"), never pip options, URLs or paths. Nothing it names was fetched or run: review this release before whitelisting it"
        case let .invalidMarker(text, reason):
            "invalid environment marker '\(text)': \(reason)"
        case .undefinedMarkerComparison(let reason):
            "cannot evaluate the environment marker: \(reason)"
        }
    }

    /// Text from outside as a message shows it: at most 200 characters, control characters escaped.
    public static func quoted(_ text: String) -> String {
        var shown = ""
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > 200 { return shown + "…" }
            shown += scalar.value < 0x20 || scalar.value == 0x7F ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return shown
    }
}
