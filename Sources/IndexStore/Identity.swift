import Basics
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import Synchronization

/// Who a request acts as.
public struct Identity: Sendable, Equatable {
    public let user: String
    /// Indices a token is limited to; nil for a password login or an unscoped token.
    public let tokenScope: [IndexID]?
    /// The token the request came with; nil for a password login.
    public let tokenID: String?
    /// A read token: it may read (its scope's indices, or what its user may read) and nothing else.
    public let readOnly: Bool

    public init(user: String, tokenScope: [IndexID]? = nil, tokenID: String? = nil, readOnly: Bool = false) {
        (self.user, self.tokenScope, self.tokenID, self.readOnly) = (user, tokenScope, tokenID, readOnly)
    }

    public var isRoot: Bool { user == "root" }
}
