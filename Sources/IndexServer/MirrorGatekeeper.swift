import Foundation
import IndexStore
import Logging
import Synchronization
import Whitelist

/// The company whitelist as a gated mirror sees it: read from its `WhitelistSource` at the first
/// question, and again when the files change (looked at no more than every `recheck`). A
/// whitelist that stops reading cleanly (a YAML error in a pull request) leaves the last good
/// one in force and is logged: a broken file never opens the gate.
final class MirrorGatekeeper: Sendable {
    private struct State {
        var admission: WhitelistAdmission?
        var fingerprint: String?
        var checked: ContinuousClock.Instant?
        var problem: String?
        /// How many times a whitelist was read: what cached pages that depend on it name.
        var version = 0
    }

    private let source: (any WhitelistSource)?
    private let logger: Logger
    private let recheck: Duration
    private let state = Mutex(State())

    init(source: (any WhitelistSource)?, logger: Logger, recheck: Duration = .seconds(2)) {
        (self.source, self.logger, self.recheck) = (source, logger, recheck)
    }

    /// Why the whitelist files do not read now (the last good reading then stays in force).
    var problem: String? { state.withLock { $0.problem } }

    /// The whitelist in force, or why there is none (a gated mirror then shows nothing).
    func admission() throws(StoreError) -> WhitelistAdmission { try current().admission }

    /// The whitelist in force and its version (which changes with each reading).
    func current() throws(StoreError) -> (admission: WhitelistAdmission, version: Int) {
        guard let source else {
            throw StoreError(.unavailable, "this server has no whitelist: start it with serve --config FILE whose whitelists: names the company whitelist (or make the mirror ungated: gate=none)")
        }
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard let checked = state.checked, now - checked < recheck else {
                state.checked = now
                return true
            }
            return false
        }
        if due {
            let fingerprint = source.fingerprint()
            if fingerprint != state.withLock({ $0.fingerprint }) {
                do {
                    let loaded = try source.load()
                    state.withLock { ($0.admission, $0.fingerprint, $0.problem, $0.version) = (loaded, fingerprint, nil, $0.version + 1) }
                    logger.info("mirror gate: whitelist read", metadata: ["projects": "\(loaded.projects.count)"])
                } catch {
                    state.withLock { ($0.fingerprint, $0.problem) = (fingerprint, "\(error)") }
                    logger.error("mirror gate: the whitelist does not read; the last good one stays in force", metadata: ["error": "\(error)"])
                }
            }
        }
        return try state.withLock { state throws(StoreError) in
            guard let admission = state.admission else {
                throw StoreError(.unavailable, "the company whitelist does not read, so the gated mirror shows nothing: \(state.problem ?? "not read yet")")
            }
            return (admission, state.version)
        }
    }
}
