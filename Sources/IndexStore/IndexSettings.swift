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

    public init(type: String = "stage", bases: [IndexID] = [], volatile: Bool = false, aclUpload: [String] = []) {
        (self.type, self.bases, self.volatile, self.aclUpload) = (type, bases, volatile, aclUpload)
    }

    /// Stored with the keys of the request that sets them.
    typealias CodingKeys = IndexRequest.CodingKeys
}
