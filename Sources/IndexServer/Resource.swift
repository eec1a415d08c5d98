import HTTPTypes
import IndexStore

/// Every resource of the index as its URL names it, in devpi's layout, with the methods each
/// takes. Parsing is the whole of the URL scheme: trailing slashes, `+` names, the index path.
enum Resource: Equatable {
    case root
    case health
    case metrics
    case tokens
    case token(id: String)
    /// A build lease: `all` or `shard-I-of-N`.
    case lease(String)
    /// devpi's `+api` at the root, under a user or under an index.
    case api(user: String?, index: IndexID?)
    case login
    case user(String)
    /// `/USER/INDEX`: its settings (GET, PUT, PATCH), its page, and twine's upload (POST).
    case index(IndexID)
    case legacyUpload(IndexID)
    case simpleList(IndexID, trailingSlash: Bool)
    case simpleProject(IndexID, name: String, trailingSlash: Bool)
    /// A file (GET); a test result for it (POST, devpi's toxresult).
    case file(IndexID, hash: String, filename: String)
    /// A test result posted for a file: its JSON, or (`log`) its commands' output as text.
    case toxResult(IndexID, filename: String, id: String, log: Bool)
    case fileList(IndexID)
    case fileLog(IndexID, filename: String)
    /// The CycloneDX SBOM the builder put in a wheel (PEP 770).
    case fileSBOM(IndexID, filename: String)
    case yank(IndexID, filename: String)
    /// A project's status in every index that holds it (files or a status).
    case projectStatuses(name: String)
    /// A project's status in the index (PEP 792): GET reads it with its history, POST sets it.
    case projectStatus(IndexID, name: String)
    case project(IndexID, name: String)
    case version(IndexID, project: String, version: String)
    /// A page of a release's documentation: `/USER/INDEX/NAME/VERSION/+doc/PATH` (`latest` as the
    /// version: the newest documented one), devpi's paths.
    case doc(IndexID, project: String, version: String, path: [String], trailingSlash: Bool)
    case builds
    case buildRun(id: String)
    case buildLog(run: String, item: String)
    case coverage
    case search
    case stylesheet

    /// The resource `components` (the path's decoded segments) name, or a 404.
    init(_ components: [String], trailingSlash: Bool) throws {
        switch (components.count, components.first) {
        case (0, _): self = .root
        case (1, "+health"): self = .health
        case (1, "+metrics"): self = .metrics
        case (1, "+tokens"): self = .tokens
        case (2, "+tokens"): self = .token(id: components[1])
        case (2, "+leases"): self = .lease(components[1])
        case (1, "+api"): self = .api(user: nil, index: nil)
        case (1, "+login"): self = .login
        case (2, _) where components[1] == "+api" && !components[0].hasPrefix("+"): self = .api(user: components[0].lowercased(), index: nil)
        case (1, "+builds"): self = .builds
        case (2, "+builds"): self = .buildRun(id: components[1])
        case (3, "+builds"): self = .buildLog(run: components[1], item: components[2])
        case (1, "+coverage"): self = .coverage
        case (1, "+search"): self = .search
        case (2, "+status"): self = .projectStatuses(name: components[1])
        case (2, "+static") where components[1] == "style.css": self = .stylesheet
        case (_, let first?) where first.hasPrefix("+"): throw StoreError.notFound("no such resource: /\(components.joined(separator: "/"))")
        case (1, _): self = .user(components[0])
        case (2, _): self = .index(try IndexID(user: components[0], index: components[1]))
        default:
            let index = try IndexID(user: components[0], index: components[1])
            let rest = Array(components.dropFirst(2))
            switch (rest.count, rest[0]) {
            case (1, "legacy"): self = .legacyUpload(index)
            case (1, "+api"): self = .api(user: index.user, index: index)
            case (1, "+simple"): self = .simpleList(index, trailingSlash: trailingSlash)
            case (2, "+simple"): self = .simpleProject(index, name: rest[1], trailingSlash: trailingSlash)
            case (4, "+f"): self = .file(index, hash: rest[1] + rest[2], filename: rest[3])
            case (1, "+files"): self = .fileList(index)
            case (2, "+log"): self = .fileLog(index, filename: rest[1])
            case (2, "+sbom"): self = .fileSBOM(index, filename: rest[1])
            case (3, "+toxresults"): self = .toxResult(index, filename: rest[1], id: rest[2], log: false)
            case (4, "+toxresults") where rest[3] == "log": self = .toxResult(index, filename: rest[1], id: rest[2], log: true)
            case (2, "+yank"): self = .yank(index, filename: rest[1])
            case (2, "+status"): self = .projectStatus(index, name: rest[1])
            case (1, let name) where !name.hasPrefix("+"): self = .project(index, name: name)
            case (2, let name) where !name.hasPrefix("+"): self = .version(index, project: name, version: rest[1])
            case (let count, let name) where count >= 3 && rest[2] == "+doc" && !name.hasPrefix("+"):
                self = .doc(index, project: name, version: rest[1], path: Array(rest.dropFirst(3)), trailingSlash: trailingSlash)
            default: throw StoreError.notFound("no such resource: /\(components.joined(separator: "/"))")
            }
        }
    }

    /// The index a read (GET, HEAD) of the resource shows something of, which the reader must
    /// be allowed to read.
    var readIndex: IndexID? {
        switch self {
        case .index(let index), .simpleList(let index, _), .simpleProject(let index, _, _), .file(let index, _, _), .fileList(let index),
             .fileLog(let index, _), .fileSBOM(let index, _), .toxResult(let index, _, _, _), .project(let index, _), .version(let index, _, _), .projectStatus(let index, _),
             .doc(let index, _, _, _, _):
            index
        case .api(_, let index): index
        case .root, .health, .metrics, .tokens, .token, .lease, .login, .user, .builds, .buildRun, .buildLog, .coverage, .search, .stylesheet,
             .projectStatuses, .legacyUpload, .yank:
            nil
        }
    }

    /// A list of indices or of what is in them, filtered by what the reader may read.
    var lists: Bool {
        switch self {
        case .root, .user, .search, .projectStatuses, .buildRun: true
        default: false
        }
    }

    /// devpi's own method for copying a release between indices.
    static let push = HTTPRequest.Method("PUSH")!

    /// The methods the resource takes (HEAD wherever GET); any other is a 405 naming these.
    var methods: [HTTPRequest.Method] {
        switch self {
        case .root, .health, .metrics, .api, .projectStatuses, .simpleList, .simpleProject, .fileList, .fileLog, .fileSBOM, .toxResult, .buildRun, .buildLog,
             .coverage, .search, .stylesheet, .doc:
            [.get, .head]
        case .tokens, .projectStatus, .file: [.get, .head, .post]
        case .login, .legacyUpload, .yank: [.post]
        case .token: [.delete]
        case .lease: [.put, .delete]
        case .project, .version: [.get, .head, .delete]
        case .user: [.get, .head, .put, .patch, .delete]
        case .index: [.get, .head, .put, .patch, .post, .push, .delete]
        case .builds: [.get, .head, .post]
        }
    }
}

extension HTTPRequest.Method {
    static var push: HTTPRequest.Method { Resource.push }
}
