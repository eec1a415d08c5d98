import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// devpi's management API: users, indices, tokens, yanks and version removal, as JSON.
extension IndexRoutes {
    func root() throws -> Response {
        let indices = try service.catalog.indices()
        var users: [String: UserConfig] = [:]
        for name in try service.catalog.users() {
            let own = indices.filter { $0.path.user == name }
            users[name] = UserConfig(username: nil, indexes: Dictionary(uniqueKeysWithValues: own.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) }))
        }
        return Self.json(Envelope(type: "list:userconfig", result: users))
    }

    func user(_ rawName: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        try StoreName.validate(rawName, what: "user")
        let name = rawName.lowercased()
        try Self.allow(request.method, [.get, .head, .put, .patch])
        switch request.method {
        case .put:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .createUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            guard let password = try body.string("password"), !password.isEmpty else {
                throw StoreError.badRequest("password: a new user needs {\"password\": \"…\"}")
            }
            try Self.checkPassword(password)
            try service.catalog.createUser(name, passwordHash: try PasswordHasher.hash(password), builder: try body.bool("builder") ?? false)
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .modifyUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            let builder = try body.bool("builder")
            if builder != nil, identity.isRoot == false { throw StoreError.forbidden("builder: only root may mark a user as a builder") }
            let password = try body.string("password")
            if let password { try Self.checkPassword(password) }
            try service.catalog.updateUser(name, passwordHash: try password.map(PasswordHasher.hash), builder: builder)
            if password != nil { service.authenticator.forget() }
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil)))
        default:
            guard try service.catalog.userExists(name) else { throw StoreError.notFound("user \(name) does not exist") }
            let indices = try service.catalog.indices().filter { $0.path.user == name }
            return Self.json(Envelope(type: "userconfig", result: UserConfig(
                username: name, indexes: Dictionary(uniqueKeysWithValues: indices.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) })
            )))
        }
    }

    /// Passwords are text of 1 to 1,024 bytes (the derivation's cost grows with nothing else).
    static func checkPassword(_ password: String) throws(StoreError) {
        guard (1...1024).contains(password.utf8.count) else { throw .badRequest("password: use 1 to 1,024 bytes") }
    }

    func indexResource(_ index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        switch request.method {
        case .put:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .createIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            var settings = IndexSettings()
            if let type = try body.string("type"), type != "stage" {
                throw StoreError.badRequest("type: index type '\(type)' is not supported: use 'stage'")
            }
            settings.bases = try body.indexList("bases") ?? []
            settings.volatile = try body.bool("volatile") ?? false
            settings.aclUpload = try body.userList("acl_upload") ?? []
            try service.catalog.createIndex(index, settings: settings)
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .modifyIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            if let type = try body.string("type"), type != "stage" {
                throw StoreError.badRequest("type: index type '\(type)' is not supported: use 'stage'")
            }
            let bases = try body.indexList("bases")
            let acl = try body.userList("acl_upload")
            let volatile = try body.bool("volatile")
            let settings = try service.catalog.updateIndex(index) { settings in
                if let bases { settings.bases = bases }
                if let acl { settings.aclUpload = acl }
                if let volatile { settings.volatile = volatile }
            }
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)))
        default:
            guard let settings = try service.catalog.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            var result = Self.indexConfig(index, settings)
            result.projects = try service.catalog.projects(in: [index])
            return Self.json(Envelope(type: "indexconfig", result: result))
        }
    }

    func createToken(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        let body = try await JSONBody.read(request, allowed: ["indices"])
        let indices = try body.indexList("indices")
        try service.authorize(identity, .createToken(scope: indices))
        let (id, secret, token) = APIToken.make()
        try service.catalog.createToken(id: id, user: identity.user, secretHash: APIToken.secretHash(secret), indices: indices)
        return Self.json(Envelope(type: "token", result: TokenCreated(token: token, id: id, user: identity.user)), status: .created)
    }

    /// A token's owner or root may revoke it, and a token itself; it stops working at once.
    func revokeToken(_ id: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        guard id.utf8.count <= 64, let owner = try service.catalog.tokenOwner(id) else { throw StoreError.notFound("no token \(id)") }
        try service.authorize(identity, .revokeToken(id: id, owner: owner))
        try service.catalog.revokeToken(id)
        return Self.json(Envelope(type: "token", result: TokenRevoked(id: id, revoked: true)))
    }

    func yank(_ index: IndexID, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .yank(index))
        let body = try await JSONBody.read(request, allowed: YankRequest.keys)
        let yanked = try body.bool("yanked") ?? true
        let reason = try body.string("reason")
        if let reason, reason.utf8.count > 1024 { throw StoreError.badRequest("reason: at most 1,024 bytes") }
        let file = try service.catalog.setYanked(index, filename, yanked: yanked, reason: reason)
        return Self.json(Envelope(type: "file", result: YankResult(filename: file.filename, yanked: file.yanked, reason: file.yankReason ?? "")))
    }

    /// devpi's `DELETE /USER/INDEX/NAME/VERSION`, for volatile indices only.
    func deleteVersion(_ index: IndexID, project: String, version: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .deleteVersion(index))
        let canonical = (try? Version(version).description) ?? version
        let removed = try service.catalog.deleteVersion(index, project: ProjectName.normalize(project), version: canonical)
        return Self.json(Envelope(type: "deleted", result: DeletedFiles(files: removed)))
    }
}
