import Basics
import Foundation
import Testing

@Suite("Basics")
struct BasicsTests {
    @Test("hex: two lower-case digits a byte, any sequence")
    func hex() {
        #expect([UInt8]().hex == "")
        #expect([0x00, 0x0f, 0xa0, 0xff].hex == "000fa0ff")
        #expect((0...255).map(UInt8.init).hex.count == 512)
        #expect(Data("wheelwright".utf8).hex == "776865656c777269676874")
    }

    @Test("durations in seconds and nanoseconds; nanoseconds saturate instead of trapping")
    func durations() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(-2).seconds == -2)
        #expect(Duration.microseconds(7).nanoseconds == 7_000)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(Int64.min).nanoseconds == .min)
    }

    @Test("a file lock is exclusive across descriptors, free again when its holder goes, and waits when asked")
    func fileLock() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basics-\(UUID().uuidString).lock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var first = try FileLock.acquire(path)
        #expect(first != nil)
        #expect(try FileLock.acquire(path) == nil, "a second open file description cannot take it")
        first?.record("pid 1\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "pid 1\n")
        let waiter = Task { try await FileLock.waitFor(path, polling: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        first = nil
        let second = try await waiter.value
        withExtendedLifetime(second) {}
        #expect(throws: FileLock.Failure.self) { try FileLock.acquire("/nonexistent-folder/x.lock") }
    }
}
