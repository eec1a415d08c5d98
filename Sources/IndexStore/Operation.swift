/// Everything a client can ask the index to do, as the one authorization rule sees it
/// (`IndexService.authorize`): reading an index, and every change.
public enum Operation: Sendable, Equatable, CustomStringConvertible {
    /// Reading the index: its pages, simple API, files, JSON; public unless its `acl_read` says.
    case read(IndexID)
    case createUser(String)
    case modifyUser(String)
    case deleteUser(String)
    case createIndex(IndexID)
    case modifyIndex(IndexID)
    case deleteIndex(IndexID)
    case upload(IndexID)
    case yank(IndexID)
    case deleteVersion(IndexID)
    /// Setting a project's status in the index (PEP 792: quarantine, archive, deprecate, lift).
    case setProjectStatus(IndexID)
    /// Make an index a mirror or change a mirror's upstream, freshness or gate: the server
    /// fetches what the URL names, so only root may point it anywhere.
    case manageMirror(IndexID)
    case createToken(scope: [IndexID]?)
    /// Revoking the token with this id, owned by `owner`.
    case revokeToken(id: String, owner: String)
    /// Listing the tokens of `owner` (ids, scopes, dates; never secrets).
    case listTokens(owner: String)
    case reportBuild
    /// Taking, renewing or ending a build lease.
    case holdBuildLease

    public var description: String {
        switch self {
        case .read(let index): "read \(index)"
        case .createUser(let name): "create user \(name)"
        case .modifyUser(let name): "change user \(name)"
        case .deleteUser(let name): "delete user \(name)"
        case .createIndex(let index): "create index \(index)"
        case .modifyIndex(let index): "change index \(index)"
        case .deleteIndex(let index): "delete index \(index)"
        case .upload(let index): "upload to \(index)"
        case .yank(let index): "yank files in \(index)"
        case .deleteVersion(let index): "delete versions in \(index)"
        case .setProjectStatus(let index): "set a project's status in \(index)"
        case .manageMirror(let index): "make or change the mirror \(index)"
        case .createToken: "create tokens"
        case .revokeToken(let id, _): "revoke token \(id)"
        case .listTokens(let owner): "list the tokens of \(owner)"
        case .reportBuild: "report build runs"
        case .holdBuildLease: "hold build leases"
        }
    }

    /// The index whose files the operation writes, for a token's scope.
    var fileIndex: IndexID? {
        switch self {
        case .upload(let index), .yank(let index), .deleteVersion(let index): index
        default: nil
        }
    }
}
