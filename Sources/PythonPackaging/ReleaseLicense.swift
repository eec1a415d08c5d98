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

    /// What a whitelist entry records as its `license:`: the SPDX expression when the metadata
    /// gives one, else the metadata's own words.
    public static func recorded(_ metadata: CoreMetadata) -> String? {
        ReleaseLicense(metadata)?.expression.description ?? metadata.licenseSummary
    }

    public init(expression: SPDXExpression, source: Source) { (self.expression, self.source) = (expression, source) }

    /// The license `metadata` states, or nil when it states none an SPDX expression can carry.
    public init?(_ metadata: CoreMetadata) {
        if let text = metadata.licenseExpression, let expression = try? SPDXExpression(text) {
            (self.expression, source) = (expression, .expression)
            return
        }
        let named = metadata.classifiers.filter { $0.hasPrefix("License ::") }
        let mapped = named.compactMap { Self.classifiers[$0] }
        if !named.isEmpty, mapped.count == named.count, let expression = try? SPDXExpression(mapped.joined(separator: " OR ")) {
            (self.expression, source) = (expression, .classifiers)
            return
        }
        if let text = metadata.license, !text.contains("\n"), let expression = try? SPDXExpression(text) {
            (self.expression, source) = (expression, .licenseField)
            return
        }
        return nil
    }
}
