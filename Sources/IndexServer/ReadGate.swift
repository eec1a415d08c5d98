import IndexAPI
import IndexStore
import Synchronization

/// Who may read which index, decided before anything of an index is served. The rule is
/// `Authorization.check(_, .read(index))` over the index and each base it reaches (a base the
/// reader may not read makes the whole index a 404, never a silent gap); this type only keeps,
/// per catalog generation, which indices have a non-public index in their resolution order, so
/// that a server whose indices are all public answers from memory without a login (and, from
/// the same walk, each index's resolution order and the mirrors it reaches).
final class ReadGate: Sendable {
    /// The catalog's indices as one generation left them.
    struct Snapshot: Sendable {
        /// The generation it is current at: that of the request it was checked for (it is made
        /// again only when the catalog's structure changed, not on every write).
        var generation: Int64
        /// Every index, with the non-public indices of its resolution order and their `acl_read`
        /// (empty: everyone may read it).
        let guards: [IndexID: [(index: IndexID, aclRead: [String])]]
        /// Whether any index is private: then an anonymous request for an index that does not
        /// exist is asked to log in too, as for a private one (401 and 404 tell nothing apart).
        let anyPrivate: Bool
        /// Every index with the mirrors of its resolution order (empty: none), for the simple
        /// API, which merges what they proxy.
        let mirrors: [IndexID: [(index: IndexID, settings: IndexSettings)]]
        /// Every index's resolution order (it, then its bases depth first, each once): a page
        /// reads it from here, not from the catalog (on PostgreSQL a round trip per base).
        let orders: [IndexID: [IndexID]]
    }

    private let service: IndexService
    private let state = Mutex<Snapshot?>(nil)

    /// The snapshot a read request was checked against, for its handlers (nil outside one).
    @TaskLocal static var requestSnapshot: Snapshot?

    init(service: IndexService) { self.service = service }

    /// The snapshot of the current generation, made again when a write changed the catalog's
    /// structure (indices, their settings, users), not when one changed an index's contents.
    func snapshot() async throws -> Snapshot {
        let generation = try await service.generation()
        if let known = snapshot(at: generation) { return known }
        let indices = Dictionary(try await service.indices().map { ($0.path, $0.settings) }, uniquingKeysWith: { first, _ in first })
        var guards: [IndexID: [(index: IndexID, aclRead: [String])]] = [:]
        var mirrors: [IndexID: [(index: IndexID, settings: IndexSettings)]] = [:]
        var orders: [IndexID: [IndexID]] = [:]
        for path in indices.keys {
            var order: [IndexID] = []
            func visit(_ index: IndexID) {
                guard !order.contains(index), let settings = indices[index] else { return }
                order.append(index)
                for base in settings.bases { visit(base) }
            }
            visit(path)
            orders[path] = order
            guards[path] = order.compactMap { index in indices[index].flatMap { $0.isPublic ? nil : (index, $0.aclRead) } }
            mirrors[path] = order.compactMap { index in indices[index].flatMap { $0.isMirror ? (index, $0) : nil } }
        }
        let made = Snapshot(generation: generation, guards: guards, anyPrivate: indices.values.contains { !$0.isPublic }, mirrors: mirrors, orders: orders)
        // A slower request must not put back an older generation's snapshot.
        state.withLock { kept in if (kept?.generation ?? .min) < made.generation { kept = made } }
        return made
    }

    /// The snapshot kept, when the catalog's structure has not changed between its generation
    /// and `generation` (then moved up to it); nil when it must be made again.
    func snapshot(at generation: Int64) -> Snapshot? {
        guard var known = state.withLock({ $0 }), service.changes.isCurrent(.indices([]), madeAt: known.generation, now: generation) else { return nil }
        if known.generation < generation {
            known.generation = generation
            state.withLock { kept in if (kept?.generation ?? .min) < generation { kept = known } }
        }
        return known
    }

    /// Whether reading `index` needs the reader's identity: it or a base is private, or it does
    /// not exist while some index is private (then an anonymous reader is asked to log in).
    func isGuarded(_ index: IndexID, in snapshot: Snapshot) -> Bool {
        guard let guards = snapshot.guards[index] else { return snapshot.anyPrivate }
        return !guards.isEmpty
    }

    /// Nil when `identity` may read `index` (or the index does not exist and the reader is
    /// signed in: the handler's 404 follows); otherwise the refusal: 401 to an anonymous reader,
    /// the 404 of an index that does not exist to a signed-in one.
    func refusal(_ index: IndexID, for identity: Identity?, in snapshot: Snapshot) -> StoreError? {
        guard let guards = snapshot.guards[index] else {
            return snapshot.anyPrivate && identity == nil ? Authorization.readRefusal(nil, index, aclRead: []) : nil
        }
        for guarded in guards {
            guard let refusal = Authorization.check(identity, .read(guarded.index), facts: Authorization.Facts(aclRead: guarded.aclRead)) else { continue }
            // Named after the index asked for, never the private base that refused.
            return refusal.kind == .notFound ? Authorization.noIndex(index) : Authorization.readRefusal(nil, index, aclRead: [])
        }
        return nil
    }

    /// Whether `identity` may read `index`: for lists (the root page, users, search).
    func readable(_ index: IndexID, by identity: Identity?, in snapshot: Snapshot) -> Bool {
        snapshot.guards[index] != nil && refusal(index, for: identity, in: snapshot) == nil
    }

    /// Whether `index` exists and is kept from `identity`: what a run's page leaves out (an index
    /// a run names that is gone, or public, hides nothing).
    func hides(_ index: IndexID, from identity: Identity?, in snapshot: Snapshot) -> Bool {
        guard let guards = snapshot.guards[index], !guards.isEmpty else { return false }
        return refusal(index, for: identity, in: snapshot) != nil
    }

    /// What lists depend on, for their cache keys: the private indices `identity` may read ("" on
    /// a server without private indices, so everyone shares one cached page).
    func visibility(of identity: Identity?, in snapshot: Snapshot) -> String {
        guard snapshot.anyPrivate else { return "" }
        return snapshot.guards.filter { !$0.value.isEmpty && refusal($0.key, for: identity, in: snapshot) == nil }
            .keys.map(\.description).sorted().joined(separator: ",")
    }
}
