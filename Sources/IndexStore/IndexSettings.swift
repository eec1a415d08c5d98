import Foundation
import IndexAPI
import PythonPackaging

/// An index's settings, as devpi's JSON API shows them.
public struct IndexSettings: Sendable, Equatable, Codable {
    public var type: String
    public var bases: [IndexID]
    public var volatile: Bool
    /// User names allowed to upload; the owner always may. `:ANONYMOUS:` is not supported.
    public var aclUpload: [String]
    /// Who may read the index: user names, `:AUTHENTICATED:` (every signed-in user) and
    /// `:ANONYMOUS:` (everyone: the default); its owner and root always may.
    public var aclRead: [String]
    /// A mirror's upstream simple index (`https://pypi.org/simple/`); nil for a stage.
    public var mirrorURL: String?
    /// Seconds a mirror's copy of an upstream page is fresh; nil: `defaultCacheExpiry`.
    public var mirrorCacheExpiry: Int?
    /// What a mirror shows; nil for a stage, and for a mirror the whitelist gate.
    public var gate: MirrorGate?

    public init(type: String = IndexRequest.stage, bases: [IndexID] = [], volatile: Bool = false, aclUpload: [String] = [],
                aclRead: [String] = [IndexRequest.anonymous]) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead) = (type, bases, volatile, aclUpload, aclRead)
    }

    /// Everyone may read it.
    public var isPublic: Bool { aclRead.contains(IndexRequest.anonymous) }

    /// A read-through cache of `mirrorURL`: files come from there, never from uploads.
    public var isMirror: Bool { type == IndexRequest.mirror }

    /// devpi's default freshness of a mirrored page: 30 minutes.
    public static let defaultCacheExpiry = 1800

    /// A mirror's settings: `gate` `.whitelist` unless said otherwise.
    public static func mirror(of url: String, cacheExpiry: Int? = nil, gate: MirrorGate = .whitelist, aclRead: [String] = [IndexRequest.anonymous]) -> IndexSettings {
        var settings = IndexSettings(type: IndexRequest.mirror, volatile: false, aclRead: aclRead)
        (settings.mirrorURL, settings.mirrorCacheExpiry, settings.gate) = (url, cacheExpiry, gate)
        return settings
    }

    /// Stored with the keys of the request that sets them.
    typealias CodingKeys = IndexRequest.CodingKeys

    /// Settings stored before `acl_read` existed are public, as every index was.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        bases = try container.decode([IndexID].self, forKey: .bases)
        volatile = try container.decode(Bool.self, forKey: .volatile)
        aclUpload = try container.decode([String].self, forKey: .aclUpload)
        aclRead = try container.decodeIfPresent([String].self, forKey: .aclRead) ?? [IndexRequest.anonymous]
        mirrorURL = try container.decodeIfPresent(String.self, forKey: .mirrorURL)
        mirrorCacheExpiry = try container.decodeIfPresent(Int.self, forKey: .mirrorCacheExpiry)
        gate = try container.decodeIfPresent(MirrorGate.self, forKey: .gate)
    }
}
