import Foundation
import IndexStore
import Testing

/// root's password at `serve`'s start: set when root is new or has none (imported from devpi),
/// never replaced once set; an account without a password lets no password in.
@Suite("Root bootstrap")
struct RootBootstrapTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-root-\(UUID().uuidString)")

    @Test("a new root gets the password; a second start leaves it; a locked root gets one")
    func bootstrap() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await IndexService(directory: directory)
        await #expect(try service.bootstrapRoot(password: "first-secret"))
        await #expect(try !service.bootstrapRoot(password: "second-secret"))
        #expect(try await service.authenticate(user: "root", password: "first-secret", from: "test") != nil)
        #expect(try await service.authenticate(user: "root", password: "second-secret", from: "test") == nil)

        try await service.catalog.createUser("imported", passwordHash: PasswordHasher.locked)
        for attempt in ["", "!", "imported"] {
            #expect(try await service.authenticate(user: "imported", password: attempt, from: "test") == nil)
        }
        try await service.catalog.updateUser("root", passwordHash: PasswordHasher.locked, builder: nil)
        await #expect(try service.bootstrapRoot(password: "after-import"))
        #expect(try await service.authenticate(user: "root", password: "after-import", from: "test") != nil)
    }
}
