import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PythonPackaging

/// What went wrong talking to an upstream index, in words a person can act on.
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchProject(String, upstreams: [String])
    case noSuchVersion(String, version: String, newest: String?)
    case noSdist(String, version: String, upstream: String, wheels: [String])
    case hashMismatch(String, expected: String, got: String)
    case http(String, status: Int)
    case unreachable(String, reason: String)
    case malformedPage(String, reason: String)
    case cache(String)
    case wheelhouse(String, reason: String)

    public var description: String {
        switch self {
        case let .noSuchProject(name, upstreams):
            "project \(name) does not exist on \(upstreams.joined(separator: ", "))"
        case let .noSuchVersion(name, version, newest):
            "version \(version) of \(name) does not exist" + (newest.map { " (newest: \($0))" } ?? "")
        case let .noSdist(name, version, upstream, wheels):
            "no sdist for \(name)==\(version) on \(upstream)" + (wheels.isEmpty ? "" : " (it has only wheels: \(wheels.prefix(3).joined(separator: ", "))\(wheels.count > 3 ? ", …" : ""))")
        case let .hashMismatch(file, expected, got):
            "hash mismatch for \(file): expected sha256 \(expected), got \(got); the file was not kept"
        case let .http(url, status):
            "\(url): HTTP \(status)"
        case let .unreachable(url, reason):
            "\(url): \(reason)"
        case let .malformedPage(url, reason):
            "\(url): \(reason)"
        case let .cache(reason):
            "cache: \(reason)"
        case let .wheelhouse(requirements, reason):
            "cannot fill a wheelhouse for \(requirements): pip says: \(reason)"
        }
    }

    /// Worth another try: a timeout, a reset connection, a 5xx.
    /// Trouble that may pass: worth another try after a pause.
    public var isTransient: Bool {
        switch self {
        case .unreachable: true
        case .http(_, let status): status >= 500
        case .wheelhouse(_, let reason): ["Temporary failure in name resolution", "Failed to establish a new connection", "Read timed out",
                                          "Connection reset", "503 Service Unavailable", "502 Bad Gateway"].contains(where: reason.contains)
        default: false
        }
    }
}
