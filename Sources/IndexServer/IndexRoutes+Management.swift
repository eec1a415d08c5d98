import Basics
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// devpi's management API: users, indices, tokens, yanks and version removal, as JSON.
extension IndexRoutes {
    func root(visible: (IndexID) -> Bool) async throws -> Response {
        let indices = try await service.indices().filter { visible($0.path) }
        var users: [String: UserConfig] = [:]
        for name in try await service.users() {
            let own = indices.filter { $0.path.user == name }
            users[name] = UserConfig(username: nil, indexes: Dictionary(uniqueKeysWithValues: own.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) }))
        }
        return Self.json(Envelope(type: "list:userconfig", result: users))
    }

    func user(_ rawName: String, _ request: Request, context: IndexRequestContext, visible: (IndexID) -> Bool) async throws -> Response {
        try StoreName.validate(rawName, what: "user")
        let name = rawName.lowercased()
        try Self.allow(request.method, [.get, .head, .put, .patch, .delete])
        switch request.method {
        case .put:
            let identity = try await authenticate(request, context: context)
            try await service.authorize(identity, .createUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            try await service.createUser(name, password: try body.string("password"), builder: try body.bool("builder") ?? false,
                                   email: try body.string("email"), by: identity)
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try await service.authorize(identity, .modifyUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            try await service.updateUser(name, password: try body.string("password"), builder: try body.bool("builder"),
                                   email: try body.string("email"), by: identity)
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil, email: try await service.email(of: name))))
        case .delete:
            try await service.deleteUser(name, by: try await authenticate(request, context: context))
            return Self.json(APIMessage(message: "user \(name) deleted"))
        default:
            guard try await service.userExists(name) else { throw StoreError.notFound("user \(name) does not exist") }
            let indices = try await service.indices().filter { $0.path.user == name && visible($0.path) }
            return Self.json(Envelope(type: "userconfig", result: UserConfig(
                username: name, indexes: Dictionary(uniqueKeysWithValues: indices.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) }),
                email: try await service.email(of: name)
            )))
        }
    }

    func indexResource(_ index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        switch request.method {
        case .delete:
            try await service.deleteIndex(index, by: try await authenticate(request, context: context))
            return Self.json(APIMessage(message: "index \(index) deleted"))
        case .put:
            let identity = try await authenticate(request, context: context)
            try await service.authorize(identity, .createIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            var settings = IndexSettings()
            settings.type = try Self.indexType(body) ?? IndexRequest.stage
            try Self.applyMirrorSettings(body, to: &settings)
            if settings.isMirror { try await service.authorize(identity, .manageMirror(index)) }
            settings.bases = try body.indexList("bases") ?? []
            if settings.isMirror, !settings.bases.isEmpty { throw SchemaError(field: "bases", "a mirror has no bases: make an index with the mirror as its base") }
            settings.volatile = try body.bool("volatile") ?? false
            settings.aclUpload = try body.userList("acl_upload") ?? []
            settings.aclRead = try body.readerList("acl_read") ?? [IndexRequest.anonymous]
            try await service.createIndex(index, settings: settings, by: identity)
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try await service.authorize(identity, .modifyIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            guard var mirrored = try await service.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            if let type = try Self.indexType(body), type != mirrored.type {
                throw StoreError.conflict("type: \(index) is a \(mirrored.type) index; its type cannot change (create a new index)")
            }
            // devpi-client sends every setting back with a change: only a changed mirror setting is one.
            let before = mirrored
            try Self.applyMirrorSettings(body, to: &mirrored)
            let mirrorChange = mirrored != before
            if mirrorChange { try await service.authorize(identity, .manageMirror(index)) }
            let bases = try body.indexList("bases")
            if mirrored.isMirror, let bases, !bases.isEmpty { throw SchemaError(field: "bases", "a mirror has no bases: make an index with the mirror as its base") }
            let acl = try body.userList("acl_upload")
            let aclRead = try body.readerList("acl_read")
            let volatile = try body.bool("volatile")
            let settings = try await service.updateIndex(index, by: identity) { settings in
                if mirrorChange { (settings.mirrorURL, settings.mirrorCacheExpiry, settings.gate) = (mirrored.mirrorURL, mirrored.mirrorCacheExpiry, mirrored.gate) }
                if let bases { settings.bases = bases }
                if let acl { settings.aclUpload = acl }
            if let aclRead { settings.aclRead = aclRead }
                if let volatile { settings.volatile = volatile }
            }
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)))
        default:
            guard let settings = try await service.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            var result = Self.indexConfig(index, settings)
            // devpi-client asks `?no_projects=` before it sends the settings back with a change.
            if try RequestQuery(request.uri.query)["no_projects"] == nil { result.projects = try await service.projects(in: [index]) }
            return Self.json(Envelope(type: "indexconfig", result: result))
        }
    }

    /// `type`: `stage` or `mirror` (devpi's names); nil when the body does not say.
    static func indexType(_ body: JSONObject) throws -> String? {
        guard let type = try body.string("type") else { return nil }
        guard [IndexRequest.stage, IndexRequest.mirror].contains(type) else {
            throw SchemaError(field: "type", "must be 'stage' or 'mirror', found '\(type.prefix(40))'")
        }
        return type
    }

    static let mirrorKeys: Set<String> = ["mirror_url", "mirror_cache_expiry", "gate"]

    /// A mirror's `mirror_url` (an http(s) URL with a host and a plain path: no credentials,
    /// query or fragment), `mirror_cache_expiry` (seconds, up to a week; devpi-client sends it
    /// as text) and `gate` over `settings`; a stage takes none of them, a mirror needs its URL.
    static func applyMirrorSettings(_ body: JSONObject, to settings: inout IndexSettings) throws {
        guard settings.isMirror else {
            if let key = Self.mirrorKeys.sorted().first(where: body.keys.contains) {
                throw SchemaError(field: key, "is a mirror's setting: this index is a stage (type=mirror makes a mirror)")
            }
            return
        }
        if let url = try body.string("mirror_url") {
            guard let valid = OutsideURL(url) else {
                throw SchemaError(field: "mirror_url", "must be an http:// or https:// URL with a host and a plain path, without credentials, query or fragment (https://pypi.org/simple/), found '\(url.prefix(100))'")
            }
            settings.mirrorURL = valid.url + "/"
        }
        guard settings.mirrorURL != nil else { throw SchemaError(field: "mirror_url", "is required for a mirror: the upstream simple index (https://pypi.org/simple/)") }
        let week = 7 * 24 * 3600
        if let text = try? body.string("mirror_cache_expiry") {
            guard let seconds = Int(text), (0...week).contains(seconds) else { throw SchemaError(field: "mirror_cache_expiry", "must be a whole number of seconds from 0 to \(week)") }
            settings.mirrorCacheExpiry = seconds
        } else if let seconds = try body.integer("mirror_cache_expiry", in: 0...week) {
            settings.mirrorCacheExpiry = seconds
        }
        if let gate = try body.string("gate") {
            guard let value = MirrorGate(rawValue: gate) else { throw SchemaError(field: "gate", "must be 'whitelist' or 'none', found '\(gate.prefix(40))'") }
            settings.gate = value
        }
        if settings.gate == nil { settings.gate = .whitelist }
    }

    func createToken(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        let body = try await JSONBody.read(request, allowed: ["indices", "read"])
        let (id, token) = try await service.createToken(scope: try body.indexList("indices"), readOnly: try body.bool("read") ?? false, by: identity)
        return Self.json(Envelope(type: "token", result: TokenCreated(token: token, id: id, user: identity.user)), status: .created)
    }

    /// The caller's live tokens; root may ask for another user's with `?user=NAME`.
    func listTokens(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        let user = try RequestQuery(request.uri.query)["user"]
        if let user, !(1...64).contains(user.utf8.count) { throw StoreError.badRequest("user: 1 to 64 bytes") }
        return Self.json(Envelope(type: "tokenlist", result: try await service.tokens(of: user, by: identity)))
    }

    func revokeToken(_ id: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        try await service.revokeToken(id, by: try await authenticate(request, context: context))
        return Self.json(Envelope(type: "token", result: TokenRevoked(id: id, revoked: true)))
    }

    func yank(_ index: IndexID, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try await service.authorize(identity, .yank(index))
        let body = try await JSONBody.read(request, allowed: YankRequest.keys)
        let file = try await service.setYanked(filename, in: index, yanked: try body.bool("yanked") ?? true, reason: try body.string("reason"), by: identity)
        return Self.json(Envelope(type: "file", result: YankResult(filename: file.filename, yanked: file.yanked, reason: file.yankReason ?? "")))
    }

    /// `GET /USER/INDEX/+status/NAME`: the status the index serves for the project and every
    /// recorded change behind it.
    func projectStatus(_ index: IndexID, name: String) async throws -> Response {
        let normalized = ProjectName.normalize(name)
        let (standing, _) = try await service.servedProject(normalized, order: try resolutionOrder(of: index), historyLimit: Catalog.historyShown)
        return Self.json(Envelope(type: "projectstatus", result: standing.report(of: normalized, in: index)))
    }

    /// `GET /+status/NAME`: the project's status in every index that holds files of it or a
    /// status for it (what `wheelwright status --everywhere` changes).
    func projectStatuses(_ name: String, visible: (IndexID) -> Bool) async throws -> Response {
        let normalized = ProjectName.normalize(name)
        let reports = try await service.indices(holding: normalized).filter(visible).asyncMap { index in
            try await service.standing(of: normalized, in: index, historyLimit: Catalog.historyShown).report(of: normalized, in: index)
        }
        guard !reports.isEmpty else { throw StoreError.notFound("no index holds \(normalized)") }
        return Self.json(Envelope(type: "projectstatuses", result: reports))
    }

    /// `POST /USER/INDEX/+status/NAME` with `{"status": …, "reason": …}` (the owner or root).
    func setProjectStatus(_ index: IndexID, name: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try await service.authorize(identity, .setProjectStatus(index))
        // JSON only: a form another site's page posts with a browser's remembered login cannot be one.
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw StoreError.badRequest("send the status as JSON (Content-Type: application/json): {\"status\": …, \"reason\": …}")
        }
        let body = try await JSONBody.read(request, allowed: ProjectStatusRequest.keys)
        guard let given = try body.string("status") else { throw SchemaError(field: "status", "is required: one of \(Self.statuses)") }
        guard let status = ProjectStatus(rawValue: given) else { throw SchemaError(field: "status", "must be one of \(Self.statuses), found '\(given.prefix(40))'") }
        let standing = try await service.setProjectStatus(status, reason: try body.string("reason") ?? "", of: name, in: index, by: identity)
        return Self.json(Envelope(type: "projectstatus", result: standing.report(of: ProjectName.normalize(name), in: index)))
    }

    static let statuses = ProjectStatus.allCases.map(\.rawValue).joined(separator: ", ")

    /// devpi's `DELETE /USER/INDEX/NAME[/VERSION]`, for volatile indices only.
    func deleteVersion(_ index: IndexID, project: String, version: String?, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let removed = try await service.deleteVersion(version, of: project, in: index, by: try await authenticate(request, context: context))
        return Self.json(Envelope(type: "deleted", result: DeletedFiles(files: removed)))
    }
}
