import Foundation
import IndexAPI
import PythonPackaging

/// Why the store refused something; `status` is the HTTP status the server answers with.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict, tooLarge, tooManyRequests
        case internalError, unavailable, insufficientStorage
        /// An upstream a mirror asked failed or answered wrongly (502).
        case badGateway
    }

    public let kind: Kind
    public let message: String
    /// Seconds a client should wait before trying again (429 and 503).
    public let retryAfter: Int?

    public init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) { (self.kind, self.message, self.retryAfter) = (kind, message, retryAfter) }

    /// A failed write: a full disk is a 507 saying so, anything else a 503.
    static func writeFailed(_ what: String, errno code: Int32) -> StoreError {
        if code == ENOSPC || code == EDQUOT {
            return StoreError(.insufficientStorage, "\(what): the index's disk is full; nothing was stored, try again once space is freed")
        }
        return StoreError(.unavailable, "\(what): \(String(cString: strerror(code)))")
    }

    public var description: String { message }

    public static func badRequest(_ message: String) -> StoreError { StoreError(.badRequest, message) }
    public static func notFound(_ message: String) -> StoreError { StoreError(.notFound, message) }
    public static func conflict(_ message: String) -> StoreError { StoreError(.conflict, message) }
    public static func forbidden(_ message: String) -> StoreError { StoreError(.forbidden, message) }

    /// The non-volatile rule: a file, once stored, keeps its bytes, under any spelling of its name.
    static func alreadyExists(_ filename: String, as stored: String, in index: IndexID) -> StoreError {
        let name = stored == filename ? filename : "\(filename) (the same file as \(stored))"
        return .conflict("\(name) already exists in \(index) with other content: the index is non-volatile; upload a new version or build number")
    }
}
