import Synchronization

/// Slows password guessing without locking out the real user.
///
/// - An address with `maximumFailures` failed logins in `window` gets 429 until the oldest
///   ages out; so does a user name with `maximumUserFailures`, except from an address that
///   has logged in as that user before (where the real user works from).
/// - An address may have at most `concurrentPerAddress` password checks running at once.
/// Every table is bounded: the oldest entries go first when one is full.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable {
        public var maximumFailures = 10
        public var maximumUserFailures = 30
        public var window: Duration = .seconds(60)
        public var concurrentPerAddress = 2
        public var maximumTracked = 10_000

        public init() {}
    }

    private struct State {
        var addressFailures: [String: [ContinuousClock.Instant]] = [:]
        var userFailures: [String: [ContinuousClock.Instant]] = [:]
        var inFlight: [String: Int] = [:]
        /// "user\0address" of successful logins.
        var trusted: Set<String> = []
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Throws a 429 when the address (or the user, from an untrusted address) is throttled;
    /// otherwise counts a check in flight for the address (end it with `finished`), unless
    /// `user` is nil (a token: no derivation to bound).
    func admit(user: String?, address: String) throws(StoreError) {
        let now = ContinuousClock.now
        let limits = self.limits
        let refusal: StoreError? = state.withLock { state in
            if let wait = Self.wait(&state.addressFailures, address, limit: limits.maximumFailures, window: limits.window, now: now) {
                return StoreError(.tooManyRequests, "too many failed logins from \(address): try again in \(wait) s", retryAfter: wait)
            }
            guard let user else { return nil }
            if !state.trusted.contains("\(user)\u{0}\(address)"),
               let wait = Self.wait(&state.userFailures, user, limit: limits.maximumUserFailures, window: limits.window, now: now) {
                return StoreError(.tooManyRequests, "too many failed logins as \(user): try again in \(wait) s", retryAfter: wait)
            }
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

    func failed(user: String?, address: String) {
        let now = ContinuousClock.now
        let limits = self.limits
        state.withLock { state in
            Self.record(&state.addressFailures, address, now: now, limits: limits)
            if let user { Self.record(&state.userFailures, user, now: now, limits: limits) }
        }
    }

    func succeeded(user: String, address: String) {
        state.withLock { state in
            if state.trusted.count >= limits.maximumTracked { state.trusted.removeAll() }
            state.trusted.insert("\(user)\u{0}\(address)")
        }
    }

    /// Seconds until `key` may try again, or nil when it is under its limit.
    private static func wait(_ table: inout [String: [ContinuousClock.Instant]], _ key: String, limit: Int, window: Duration,
                             now: ContinuousClock.Instant) -> Int? {
        guard var times = table[key] else { return nil }
        times.removeAll { $0 + window <= now }
        table[key] = times.isEmpty ? nil : times
        guard times.count >= limit, let oldest = times.first else { return nil }
        let remaining = (oldest + window) - now
        return max(1, Int(remaining.components.seconds) + 1)
    }

    private static func record(_ table: inout [String: [ContinuousClock.Instant]], _ key: String, now: ContinuousClock.Instant, limits: Limits) {
        if table.count >= limits.maximumTracked, table[key] == nil {
            table = table.filter { $0.value.contains { $0 + limits.window > now } }
            if table.count >= limits.maximumTracked { table.removeAll() }
        }
        var times = table[key, default: []]
        times.append(now)
        if times.count > limits.maximumUserFailures { times.removeFirst(times.count - limits.maximumUserFailures) }
        table[key] = times
    }
}
