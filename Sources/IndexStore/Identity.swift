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

    public init(user: String, tokenScope: [IndexID]? = nil, tokenID: String? = nil) {
        (self.user, self.tokenScope, self.tokenID) = (user, tokenScope, tokenID)
    }

    public var isRoot: Bool { user == "root" }
}
