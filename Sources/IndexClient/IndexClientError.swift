/// A call the index refused or that did not reach it.
public struct IndexClientError: Error, CustomStringConvertible, Sendable {
    public let server: String
    public let path: String
    public let message: String
    /// The server's status; nil when it could not be reached.
    public let status: UInt?

    public init(server: String, path: String, message: String, status: UInt? = nil) {
        (self.server, self.path, self.message, self.status) = (server, path, message, status)
    }

    /// Worth another try: the server was not reached, or failed on its side (5xx).
    public var isTransient: Bool { status.map { $0 >= 500 } ?? true }

    public var description: String { "\(server)\(path): \(message)" }
}
