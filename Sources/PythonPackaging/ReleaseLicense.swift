/// A release's license as its metadata states it, and where it was read: PEP 639's
/// `License-Expression`, else its `License ::` classifiers (those that name one license
/// unambiguously), else the free-text `License` field when that is an SPDX expression.
public struct ReleaseLicense: Sendable, Equatable {
    public enum Source: String, Sendable {
        case expression = "License-Expression"
        case classifiers = "classifiers"
        case licenseField = "License"
    }

    public let expression: SPDXExpression
    public let source: Source

    /// The classifiers that name one SPDX license (the others — "BSD License", "Apache Software
    /// License" — name a family, not a license, and are not guessed at).
    static let classifiers: [String: String] = [
        "License :: OSI Approved :: MIT License": "MIT",
        "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
        "License :: OSI Approved :: ISC License (ISCL)": "ISC",
        "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
        "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
        "License :: OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
        "License :: OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
        "License :: OSI Approved :: GNU Affero General Public License v3": "AGPL-3.0-only",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
        "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
        "License :: OSI Approved :: zlib/libpng License": "Zlib",
        "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
        "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    ]

    /// The license as a page shows it, with where it was read: "MIT (License-Expression)",
    /// "MIT (classifiers)", else the metadata's own words marked as no SPDX expression.
    public static func shown(_ metadata: CoreMetadata) -> String? {
        if let license = ReleaseLicense(metadata) { return "\(license.expression) (\(license.source.rawValue))" }
        return metadata.licenseSummary.map { "\($0) (not an SPDX expression)" }
    }

    /// What a whitelist entry records as its `license:`: the SPDX expression when the metadata
    /// gives one, else the metadata's own words.
    public static func recorded(_ metadata: CoreMetadata) -> String? {
        ReleaseLicense(metadata)?.expression.description ?? metadata.licenseSummary
    }

    public init(expression: SPDXExpression, source: Source) { (self.expression, self.source) = (expression, source) }

    /// The license `metadata` states, or nil when it states none an SPDX expression can carry.
    /// Identifiers a free-text `License` field is taken as when it is exactly one of them (a word
    /// such as `GPLv3` is not an SPDX identifier, and is not guessed at).
    static let knownIdentifiers: Set<String> = [
        "MIT", "MIT-0", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "PSF-2.0", "MPL-2.0", "Zlib", "Unlicense", "CC0-1.0",
        "BSL-1.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
        "LGPL-3.0-only", "LGPL-3.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later",
    ].reduce(into: Set()) { $0.insert($1.lowercased()) }

    /// The license `metadata` states, or nil when it states none an SPDX expression can carry:
    /// a `License-Expression` that does not parse is not replaced by a guess (PEP 639), and
    /// several license classifiers do not say how they combine.
    public init?(_ metadata: CoreMetadata) {
        if let text = metadata.licenseExpression {
            guard let expression = try? SPDXExpression(text) else { return nil }
            (self.expression, source) = (expression, .expression)
            return
        }
        let named = metadata.classifiers.filter { $0.hasPrefix("License ::") }
        if named.count == 1, let id = Self.classifiers[named[0]], let expression = try? SPDXExpression(id) {
            (self.expression, source) = (expression, .classifiers)
            return
        }
        if named.isEmpty, let text = metadata.license, !text.contains("\n"), let expression = try? SPDXExpression(text),
           expression.licenses.allSatisfy({ Self.knownIdentifiers.contains($0.lowercased()) || $0.hasPrefix("LicenseRef-") }) {
            (self.expression, source) = (expression, .licenseField)
            return
        }
        return nil
    }
}
