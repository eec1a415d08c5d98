import IndexAPI
import IndexStore
import Testing

/// Build leases in the catalog: one holder per share, `all` overlapping every shard, renewal by
/// the holder only, expiry freeing a crashed holder's lease.
@Suite("Build leases")
struct LeaseTests {
    @Test("one holder per share; all overlaps shards; renewal by the holder; an expired lease is free; release by the holder only")
    func rules() async throws {
        let catalog = try await Catalog(path: nil)
        let now = 1_000_000.0
        await #expect(try catalog.acquireLease("all", owner: "a pid 1", user: "root", seconds: 120, now: now).granted)
        let refused = try await catalog.acquireLease("all", owner: "b pid 2", user: "root", seconds: 120, now: now + 1)
        #expect(!refused.granted && refused.lease == BuildLease(name: "all", owner: "a pid 1", expires: now + 120))
        await #expect(try !catalog.acquireLease("shard-1-of-3", owner: "b pid 2", user: "root", seconds: 120, now: now + 1).granted)
        // The holder renews; after the expiry another may take it.
        await #expect(try catalog.acquireLease("all", owner: "a pid 1", user: "root", seconds: 120, now: now + 60).lease.expires == now + 180)
        await #expect(try !catalog.acquireLease("all", owner: "b pid 2", user: "root", seconds: 120, now: now + 179).granted)
        await #expect(try catalog.acquireLease("shard-1-of-3", owner: "b pid 2", user: "root", seconds: 120, now: now + 181).granted)
        // Shards do not overlap one another, but all overlaps them.
        await #expect(try catalog.acquireLease("shard-2-of-3", owner: "c pid 3", user: "root", seconds: 120, now: now + 182).granted)
        await #expect(try !catalog.acquireLease("all", owner: "d pid 4", user: "root", seconds: 120, now: now + 183).granted)
        await #expect(try !catalog.releaseLease("shard-1-of-3", owner: "c pid 3"))
        await #expect(try catalog.releaseLease("shard-1-of-3", owner: "b pid 2"))
        await #expect(try catalog.acquireLease("shard-1-of-3", owner: "d pid 4", user: "root", seconds: 120, now: now + 184).granted)
    }

    @Test("lease names: all or shard-I-of-N with 1 ≤ I ≤ N ≤ 1000, canonical digits")
    func names() {
        for good in ["all", "shard-1-of-1", "shard-3-of-7", "shard-1000-of-1000"] { #expect(BuildLease.isValidName(good), "\(good)") }
        for bad in ["", "ALL", "shard-0-of-3", "shard-4-of-3", "shard-01-of-3", "shard-1-of-1001", "shard-1-of-", "shard--1-of-3", "../x"] {
            #expect(!BuildLease.isValidName(bad), "\(bad)")
        }
        #expect(BuildLease.name(shard: (2, 3)) == "shard-2-of-3" && BuildLease.name(shard: nil) == "all")
    }
}
