import Synchronization

/// Slows password guessing without locking out the real user.
///
/// - An address with `maximumFailures` failed password logins in `window` gets 429 until the
///   oldest ages out; so does a user name with `maximumUserFailures`, except from an address
///   that has logged in as that user before (where the real user works from). Every check from
///   a refused address is refused the same way, whether its password is right or not.
/// - Tokens and session keys (a digest or an HMAC to compare, nothing to derive) have their own
///   count per address: failed passwords never refuse a token, and a bad key never counts
///   against a user.
/// - An address may have at most `concurrentPerAddress` password derivations running at once.
/// - Every table is bounded, and making room never drops an active lock: entries that have
///   aged out go first, then those under their limit (the oldest first); when every entry is
///   a lock, a new name is not tracked (its address still is). An address is locked after
///   `maximumFailures`, so one source adds at most that many names a window.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable {
        public var maximumFailures = 10
        public var maximumUserFailures = 30
        public var window: Duration = .seconds(60)
        public var concurrentPerAddress = 2
        public var maximumTracked = 10_000

        public init() {}
    }

    /// Failure times per key (an address or a user name), oldest first, at most `limit` kept.
    private struct Failures {
        let limit: Int
        var times: [String: [ContinuousClock.Instant]] = [:]

        /// Seconds until `key` may try again, or nil when it is under its limit.
        mutating func wait(_ key: String, window: Duration, now: ContinuousClock.Instant) -> Int? {
            guard var recent = times[key] else { return nil }
            recent.removeAll { $0 + window <= now }
            times[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            let remaining = (oldest + window) - now
            return max(1, Int(remaining.components.seconds) + 1)
        }

        mutating func record(_ key: String, now: ContinuousClock.Instant, window: Duration, capacity: Int) {
            if times[key] == nil, times.count >= capacity, !makeRoom(now: now, window: window, capacity: capacity) { return }
            var recent = times[key, default: []]
            recent.append(now)
            if recent.count > limit { recent.removeFirst(recent.count - limit) }
            times[key] = recent
        }

        /// Frees one place or more without dropping a lock; false when every entry is one.
        private mutating func makeRoom(now: ContinuousClock.Instant, window: Duration, capacity: Int) -> Bool {
            times = times.compactMapValues { recent in
                let live = recent.filter { $0 + window > now }
                return live.isEmpty ? nil : live
            }
            guard times.count >= capacity else { return true }
            // A tenth at a time, so that a full table is not sorted on every failure.
            let unlocked = times.filter { $0.value.count < limit }.sorted { ($0.value.last ?? now) < ($1.value.last ?? now) }
            guard !unlocked.isEmpty else { return false }
            for (key, _) in unlocked.prefix(max(1, capacity / 10)) { times[key] = nil }
            return true
        }
    }

    private struct State {
        var addressFailures: Failures
        var userFailures: Failures
        var keyFailures: Failures
        var inFlight: [String: Int] = [:]
        /// "user\0address" of successful logins, with when, to drop the oldest when full.
        var trusted: [String: ContinuousClock.Instant] = [:]
    }

    public let limits: Limits
    private let state: Mutex<State>

    public init(limits: Limits = Limits()) {
        self.limits = limits
        state = Mutex(State(addressFailures: Failures(limit: limits.maximumFailures),
                            userFailures: Failures(limit: limits.maximumUserFailures),
                            keyFailures: Failures(limit: limits.maximumFailures)))
    }

    /// Throws a 429 while the address, or the user from an address it has not logged in from,
    /// is refused. Checked before anything else of a password login, a remembered one included.
    func refuse(user: String, address: String) throws(StoreError) {
        let now = ContinuousClock.now
        let window = limits.window
        let refusal: StoreError? = state.withLock { state in
            if let wait = state.addressFailures.wait(address, window: window, now: now) {
                return StoreError(.tooManyRequests, "too many failed logins from \(address): try again in \(wait) s", retryAfter: wait)
            }
            if state.trusted["\(user)\u{0}\(address)"] == nil, let wait = state.userFailures.wait(user, window: window, now: now) {
                return StoreError(.tooManyRequests, "too many failed logins as \(user): try again in \(wait) s", retryAfter: wait)
            }
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Throws a 429 while the address has too many failed tokens or session keys.
    func refuseKey(address: String) throws(StoreError) {
        let now = ContinuousClock.now
        let window = limits.window
        let wait = state.withLock { $0.keyFailures.wait(address, window: window, now: now) }
        if let wait { throw StoreError(.tooManyRequests, "too many failed tokens or session keys from \(address): try again in \(wait) s", retryAfter: wait) }
    }

    /// Counts a password derivation in flight for the address (end it with `finished`), or
    /// throws a 429 when the address has its share running.
    func begin(address: String) throws(StoreError) {
        let limits = self.limits
        let refusal: StoreError? = state.withLock { state in
            guard state.inFlight[address, default: 0] < limits.concurrentPerAddress else {
                return StoreError(.tooManyRequests, "\(address) has \(limits.concurrentPerAddress) logins being checked already: try again in 1 s", retryAfter: 1)
            }
            if state.inFlight.count >= limits.maximumTracked, state.inFlight[address] == nil {
                return StoreError(.tooManyRequests, "too many logins being checked: try again in 1 s", retryAfter: 1)
            }
            state.inFlight[address, default: 0] += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    func finished(address: String) {
        state.withLock { state in
            let count = state.inFlight[address, default: 1] - 1
            state.inFlight[address] = count > 0 ? count : nil
        }
    }

    func failed(user: String, address: String) {
        let now = ContinuousClock.now
        let (window, capacity) = (limits.window, limits.maximumTracked)
        state.withLock { state in
            state.addressFailures.record(address, now: now, window: window, capacity: capacity)
            state.userFailures.record(user, now: now, window: window, capacity: capacity)
        }
    }

    func keyFailed(address: String) {
        let now = ContinuousClock.now
        let (window, capacity) = (limits.window, limits.maximumTracked)
        state.withLock { $0.keyFailures.record(address, now: now, window: window, capacity: capacity) }
    }

    func succeeded(user: String, address: String) {
        let now = ContinuousClock.now
        let capacity = limits.maximumTracked
        state.withLock { state in
            if state.trusted.count >= capacity, state.trusted["\(user)\u{0}\(address)"] == nil {
                // The older half goes: trust is renewed by every login.
                let kept = state.trusted.sorted { $0.value > $1.value }.prefix(capacity / 2)
                state.trusted = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
            }
            state.trusted["\(user)\u{0}\(address)"] = now
        }
    }
}
