import IndexAPI
import IndexStore
import PythonPackaging

/// The pages `CachedPageResponder` answers before the async plumbing.
extension IndexRoutes {
    /// The page a GET or HEAD of `path` (without a query) with `accept` is answered with, when
    /// it is a simple-API page (PEP 503/691: an index's list, a project's page at its normalized
    /// name) of an index every reader may read and no mirror feeds, and the page cache holds it
    /// current at the generation known without a query: the router's answer, by the router's
    /// parser and key. Nil when anything else decides: the router then answers, unchanged.
    func cachedSimplePage(path: String, accept: String?) -> PageCache.Page? {
        guard let generation = service.knownGeneration, let snapshot = readGate.snapshot(at: generation),
              let resource = try? resource(at: path), let format = SimpleFormat.negotiate(accept) else { return nil }
        let key: String
        let index: IndexID
        switch resource {
        case .simpleList(let list, trailingSlash: true):
            (index, key) = (list, Self.simpleKey(list, format: format))
        case let .simpleProject(project, name, trailingSlash: true) where ProjectName.normalize(name) == name:
            (index, key) = (project, Self.simpleKey(project, project: name, format: format))
        default:
            return nil
        }
        guard snapshot.orders[index] != nil, !readGate.isGuarded(index, in: snapshot), snapshot.mirrors[index]?.isEmpty ?? true else { return nil }
        return pageCache.hit(key, generation: snapshot.generation)
    }
}
