import HTTPTypes
import Metrics
import Synchronization

/// The request metrics Hummingbird's `MetricsMiddleware` records (`hb.requests`,
/// `http.server.request.duration`, by route, method and status), for the answers given before
/// it (`CachedPageResponder`), under the route label `IndexResponder` gives such paths ("/**").
final class ResponseMetrics: Sendable {
    private struct Key: Hashable {
        let method: String
        let status: Int
    }

    private let kept = Mutex<[Key: (counter: Counter, timer: Timer)]>([:])

    func record(_ method: HTTPRequest.Method, _ status: HTTPResponse.Status, since started: ContinuousClock.Instant) {
        let key = Key(method: method.rawValue, status: status.code)
        let metrics = kept.withLock { kept in
            if let known = kept[key] { return known }
            let dimensions = [("http.route", "/**"), ("http.request.method", key.method), ("http.response.status_code", String(key.status))]
            let made = (Counter(label: "hb.requests", dimensions: dimensions),
                        Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            kept[key] = made
            return made
        }
        metrics.counter.increment()
        let elapsed = ContinuousClock.now - started
        metrics.timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
