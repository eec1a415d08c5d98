import Basics
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds open connections by construction. Every connection registers here; when a new one
/// would exceed the cap, the connection idle longest (no request in flight) is closed to make
/// room, so that a flood of idle sockets can never lock out `/+health` or a real client. Only
/// when every connection is busy is the newcomer answered `503` and closed.
final class ConnectionRegistry: Sendable {
    /// One connection's state, written by its own handler without taking the registry's lock.
    final class Entry: Sendable {
        let channel: any Channel
        let busy = Atomic<Bool>(false)
        /// When it last began or finished a request, in nanoseconds of the process's clock.
        let lastActive: Atomic<Int64>

        init(channel: any Channel) {
            self.channel = channel
            lastActive = Atomic(ConnectionRegistry.now())
        }

        func setBusy(_ value: Bool) {
            busy.store(value, ordering: .relaxed)
            lastActive.store(ConnectionRegistry.now(), ordering: .relaxed)
        }
    }

    private let entries = Mutex([ObjectIdentifier: Entry]())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.withLock { $0.count } }

    static func now() -> Int64 {
        (ContinuousClock.now - start).nanoseconds
    }

    private static let start = ContinuousClock.now

    /// Registers `channel`; nil when the cap is reached and nothing idle can go.
    func open(_ channel: any Channel) -> Entry? {
        let entry = Entry(channel: channel)
        let (admitted, victim): (Bool, (any Channel)?) = entries.withLock { entries in
            var victim: (any Channel)?
            if entries.count >= capacity {
                var oldest: (key: ObjectIdentifier, entry: Entry, since: Int64)?
                for (key, candidate) in entries where !candidate.busy.load(ordering: .relaxed) {
                    let since = candidate.lastActive.load(ordering: .relaxed)
                    if oldest == nil || since < oldest!.since { oldest = (key, candidate, since) }
                }
                guard let oldest else { return (false, nil) }
                entries[oldest.key] = nil
                victim = oldest.entry.channel
            }
            entries[ObjectIdentifier(channel)] = entry
            return (true, victim)
        }
        victim?.close(promise: nil)
        return admitted ? entry : nil
    }

    func close(_ channel: any Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
