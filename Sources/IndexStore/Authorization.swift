import IndexAPI

/// Who may do what: the only place the index decides it. A pure function of the principal,
/// the operation and the facts it names, so that a table test covers every pair.
///
/// - reading an index: everyone when its `acl_read` has `:ANONYMOUS:` (the default); else its
///   owner, root, the users it names, and every signed-in user with `:AUTHENTICATED:`; a
///   scoped token only in its scope. Anonymous readers are asked to log in (401); a signed-in
///   reader without the right is told the index does not exist (404), as for one that does not;
/// - a read token (`token create --read`) may read and revoke itself, nothing else;
/// - root (password or unscoped token) may do everything but use another user's token;
/// - a user (password or unscoped token) manages themself and their own indices (a project's
///   status in them included), and uploads where they own the index or are in its `acl_upload`;
/// - a scoped token may only upload, yank and delete versions in the indices it names, and
///   revoke itself; it can never manage users, indices or tokens;
/// - tokens are created by a password login only (a token cannot mint one that outlives it);
/// - build runs are reported by root or a user marked as a builder;
/// - only root makes or changes a mirror (the server fetches what its URL names), and nobody
///   uploads to one (its files come from its upstream).
public enum Authorization {
    /// What the rule needs to know besides the principal: the index's upload ACL for file
    /// operations, and whether the acting user is a builder.
    public struct Facts: Sendable {
        public var aclUpload: [String]
        public var isBuilder: Bool
        /// The index's `acl_read`, for `.read`.
        public var aclRead: [String]
        /// Whether the index of a file operation is a mirror.
        public var isMirror: Bool

        public init(aclUpload: [String] = [], isBuilder: Bool = false, aclRead: [String] = [IndexRequest.anonymous], isMirror: Bool = false) {
            (self.aclUpload, self.isBuilder, self.aclRead, self.isMirror) = (aclUpload, isBuilder, aclRead, isMirror)
        }
    }

    /// Nil when allowed; otherwise the refusal, which says why.
    public static func check(_ identity: Identity?, _ operation: Operation, facts: Facts = Facts()) -> StoreError? {
        if case .read(let index) = operation { return readRefusal(identity, index, aclRead: facts.aclRead) }
        if let identity, identity.readOnly {
            if case .revokeToken(let id, _) = operation, id == identity.tokenID { return nil }
            return .forbidden("a read token may only read: it may not \(operation)")
        }
        guard let identity else {
            return StoreError(.unauthorized, "log in to \(operation): HTTP basic auth with USER:PASSWORD or __token__:TOKEN")
        }
        if let scope = identity.tokenScope {
            if case .revokeToken(let id, _) = operation, id == identity.tokenID { return nil }
            guard let index = operation.fileIndex else {
                return .forbidden("a token scoped to \(scope.map(\.description).joined(separator: ", ")) may not \(operation)")
            }
            guard scope.contains(index) else { return .forbidden("this token may not \(operation): its scope is \(scope.map(\.description).joined(separator: ", "))") }
        }
        switch operation {
        case .createToken:
            return identity.tokenID == nil ? nil : .forbidden("a token cannot create tokens: log in with a password")
        case .revokeToken(let id, let owner):
            if identity.tokenID == id { return nil }
            guard identity.tokenID == nil else { return .forbidden("a token may revoke only itself: log in with a password to revoke token \(id)") }
            return identity.user == owner || identity.isRoot ? nil : .forbidden("only its owner or root may revoke token \(id)")
        case .createUser, .manageMirror:
            return identity.isRoot ? nil : .forbidden("only root may \(operation)")
        case .modifyUser(let name), .deleteUser(let name), .listTokens(owner: let name):
            return identity.user == name || identity.isRoot ? nil : .forbidden("\(identity.user) may not \(operation): only \(name) or root may")
        case .createIndex(let index), .modifyIndex(let index), .deleteIndex(let index), .setProjectStatus(let index):
            return identity.user == index.user || identity.isRoot ? nil : .forbidden("\(identity.user) may not \(operation): only \(index.user == "root" ? "root" : "\(index.user) or root") may")
        case .upload(let index) where facts.isMirror:
            return .forbidden("\(index) is a mirror: it takes no uploads (its files come from its upstream); upload to a stage index")
        case .upload(let index), .yank(let index), .deleteVersion(let index):
            let allowed = identity.user == index.user || identity.isRoot || facts.aclUpload.contains(identity.user)
            return allowed ? nil : .forbidden("\(identity.user) may not \(operation): not its owner nor in its acl_upload")
        case .reportBuild, .holdBuildLease:
            return identity.isRoot || facts.isBuilder ? nil : .forbidden("\(identity.user) may not \(operation): only root or a builder user may (wheelwright user add --builder)")
        case .read:
            return nil  // decided above
        }
    }

    /// Reading `index` under `aclRead`. The refusal of a signed-in reader is the very 404 an index
    /// that does not exist gets, so that a private index's existence does not leak.
    public static func readRefusal(_ identity: Identity?, _ index: IndexID, aclRead: [String]) -> StoreError? {
        if aclRead.contains(IndexRequest.anonymous) { return nil }
        guard let identity else {
            return StoreError(.unauthorized, "log in to read \(index): HTTP basic auth with USER:PASSWORD or __token__:TOKEN")
        }
        if let scope = identity.tokenScope, !scope.contains(index) { return noIndex(index) }
        let allowed = identity.user == index.user || identity.isRoot || aclRead.contains(IndexRequest.authenticated) || aclRead.contains(identity.user)
        return allowed ? nil : noIndex(index)
    }

    /// What a request for an index that does not exist is told.
    public static func noIndex(_ index: IndexID) -> StoreError { .notFound("index \(index) does not exist") }
}
