/// Who may do what: the only place the index decides it. A pure function of the principal,
/// the operation and the facts it names, so that a table test covers every pair.
///
/// - root (password or unscoped token) may do everything but use another user's token;
/// - a user (password or unscoped token) manages themself and their own indices (a project's
///   status in them included), and uploads where they own the index or are in its `acl_upload`;
/// - a scoped token may only upload, yank and delete versions in the indices it names, and
///   revoke itself; it can never manage users, indices or tokens;
/// - tokens are created by a password login only (a token cannot mint one that outlives it);
/// - build runs are reported by root or a user marked as a builder.
public enum Authorization {
    /// What the rule needs to know besides the principal: the index's upload ACL for file
    /// operations, and whether the acting user is a builder.
    public struct Facts: Sendable {
        public var aclUpload: [String]
        public var isBuilder: Bool

        public init(aclUpload: [String] = [], isBuilder: Bool = false) { (self.aclUpload, self.isBuilder) = (aclUpload, isBuilder) }
    }

    /// Nil when allowed; otherwise the refusal, which says why.
    public static func check(_ identity: Identity?, _ operation: Operation, facts: Facts = Facts()) -> StoreError? {
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
        case .createUser:
            return identity.isRoot ? nil : .forbidden("only root may \(operation)")
        case .modifyUser(let name), .deleteUser(let name), .listTokens(owner: let name):
            return identity.user == name || identity.isRoot ? nil : .forbidden("\(identity.user) may not \(operation): only \(name) or root may")
        case .createIndex(let index), .modifyIndex(let index), .deleteIndex(let index), .setProjectStatus(let index):
            return identity.user == index.user || identity.isRoot ? nil : .forbidden("\(identity.user) may not \(operation): only \(index.user) or root may")
        case .upload(let index), .yank(let index), .deleteVersion(let index):
            let allowed = identity.user == index.user || identity.isRoot || facts.aclUpload.contains(identity.user)
            return allowed ? nil : .forbidden("\(identity.user) may not \(operation): not its owner nor in its acl_upload")
        case .reportBuild, .holdBuildLease:
            return identity.isRoot || facts.isBuilder ? nil : .forbidden("\(identity.user) may not \(operation): only root or a builder user may (wheelwright user add --builder)")
        }
    }
}
