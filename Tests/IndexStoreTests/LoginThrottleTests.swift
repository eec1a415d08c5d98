@testable import IndexStore
import Testing

/// The login throttle's tables under floods: bounded, and never emptied of an active lock.
@Suite("Login throttle")
struct LoginThrottleTests {
    func throttle(tracked: Int = 100) -> LoginThrottle {
        var limits = LoginThrottle.Limits()
        limits.maximumTracked = tracked
        return LoginThrottle(limits: limits)
    }

    func refused(_ body: () throws(StoreError) -> Void) -> Bool {
        do { try body() } catch { return error.kind == .tooManyRequests }
        return false
    }

    @Test("failures for made-up users from many addresses never evict root's lock or an address's")
    func floodKeepsLocks() {
        let throttle = throttle()
        for number in 0..<30 { throttle.failed(user: "root", address: "10.0.0.\(number)") }
        for _ in 0..<10 { throttle.failed(user: "someone", address: "192.0.2.1") }
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "root", address: "10.9.9.9") })
        for number in 0..<10_000 { throttle.failed(user: "made-up-\(number)", address: "198.51.\(number / 250).\(number % 250)") }
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "root", address: "10.9.9.9") }, "root's lock survived the flood")
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "anyone", address: "192.0.2.1") }, "the address's lock survived the flood")
    }

    @Test("a refused address is refused whatever it offers; a bad token or session key counts apart from passwords")
    func keysApart() {
        let throttle = throttle()
        for _ in 0..<10 { throttle.failed(user: "carol", address: "192.0.2.5") }
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "carol", address: "192.0.2.5") })
        #expect(!refused { () throws(StoreError) in try throttle.refuseKey(address: "192.0.2.5") }, "password failures do not refuse a token")
        for _ in 0..<10 { throttle.keyFailed(address: "192.0.2.6") }
        #expect(refused { () throws(StoreError) in try throttle.refuseKey(address: "192.0.2.6") })
        #expect(!refused { () throws(StoreError) in try throttle.refuse(user: "carol", address: "192.0.2.6") }, "bad keys do not refuse a password")
    }

    @Test("the trusted logins stay bounded: the oldest go first")
    func trustBounded() {
        let throttle = throttle(tracked: 10)
        for number in 0..<30 { throttle.failed(user: "dave", address: "10.1.0.\(number)") }
        throttle.succeeded(user: "dave", address: "192.0.2.9")
        #expect(!refused { () throws(StoreError) in try throttle.refuse(user: "dave", address: "192.0.2.9") }, "where dave logged in")
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "dave", address: "192.0.2.11") })
        for number in 0..<25 { throttle.succeeded(user: "user\(number)", address: "192.0.2.10") }
        #expect(refused { () throws(StoreError) in try throttle.refuse(user: "dave", address: "192.0.2.9") }, "the oldest trust made room")
    }
}
