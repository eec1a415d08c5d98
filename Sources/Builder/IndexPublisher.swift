import Foundation
import IndexAPI
import Runners

/// The index the run publishes to, as the run needs it. `HTTPPublisher` implements it over the
/// server's HTTP API; the job knows nothing of HTTP, and tests hand in a publisher of their own.
public protocol IndexPublisher: Sendable {
    /// The wheels an index holds (its own files, not its bases'), with the interpreter each
    /// was built with when its provenance says. Nil when the index does not exist yet.
    func wheels(in index: String) async throws -> [(filename: String, python: String?)]?
    /// Creates `index` with `bases` when it is missing (and its user).
    func ensureIndex(_ index: String, bases: [String]) async throws
    /// Uploads a wheel with its provenance and build log. Uploading the same bytes again is not an error.
    func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws
    /// Posts a test result (tox's JSON) for a wheel `upload` published to `index`.
    func postTestResult(_ report: [UInt8], for wheel: URL, in index: String) async throws
    /// Records the run's report where people look for it (the index's `/+builds/` page).
    func report(_ report: RunReport) async throws
    /// Takes or renews the run's lease on its share of the plan for `seconds`;
    /// `BuilderError.locked` naming the holder when another run has it.
    func acquireLease(_ name: String, owner: String, seconds: Int) async throws
    /// Ends the lease `owner` holds.
    func releaseLease(_ name: String, owner: String) async throws
}

