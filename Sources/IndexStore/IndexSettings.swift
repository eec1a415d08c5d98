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

    public init(type: String = "stage", bases: [IndexID] = [], volatile: Bool = false, aclUpload: [String] = [],
                aclRead: [String] = [IndexRequest.anonymous]) {
        (self.type, self.bases, self.volatile, self.aclUpload, self.aclRead) = (type, bases, volatile, aclUpload, aclRead)
    }

    /// Everyone may read it.
    public var isPublic: Bool { aclRead.contains(IndexRequest.anonymous) }

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
    }
}
