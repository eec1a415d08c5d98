import IndexStore
import Testing

/// Every operation against every kind of principal: the whole authorization rule as a table.
@Suite("Authorization")
struct AuthorizationTests {
    static let dev = try! IndexID("alice/dev")
    static let prod = try! IndexID("alice/prod")

    enum Principal: String, CaseIterable, CustomStringConvertible {
        case anonymous, owner, otherUser, aclUser, root, scopedToken, unscopedToken, rootScopedToken, builder, readToken, scopedReadToken

        var identity: Identity? {
            switch self {
            case .anonymous: nil
            case .owner: Identity(user: "alice")
            case .otherUser: Identity(user: "bob")
            case .aclUser: Identity(user: "carol")
            case .root: Identity(user: "root")
            case .scopedToken: Identity(user: "alice", tokenScope: [AuthorizationTests.dev], tokenID: "scoped")
            case .unscopedToken: Identity(user: "alice", tokenScope: nil, tokenID: "unscoped")
            case .rootScopedToken: Identity(user: "root", tokenScope: [AuthorizationTests.dev], tokenID: "rootscoped")
            case .builder: Identity(user: "nightly")
            case .readToken: Identity(user: "carol", tokenScope: nil, tokenID: "read", readOnly: true)
            case .scopedReadToken: Identity(user: "alice", tokenScope: [AuthorizationTests.prod], tokenID: "scopedread", readOnly: true)
            }
        }

        var description: String { rawValue }
    }

    /// Each operation and the principals allowed to do it; every other principal is refused.
    static let table: [(Operation, Set<Principal>)] = [
        (.createUser("dave"), [.root]),
        (.modifyUser("alice"), [.owner, .unscopedToken, .root]),
        (.createIndex(try! IndexID("alice/new")), [.owner, .unscopedToken, .root]),
        (.createIndex(try! IndexID("bob/new")), [.otherUser, .root]),
        (.modifyIndex(dev), [.owner, .unscopedToken, .root]),
        (.deleteUser("alice"), [.owner, .unscopedToken, .root]),
        (.deleteIndex(dev), [.owner, .unscopedToken, .root]),
        (.upload(dev), [.owner, .unscopedToken, .scopedToken, .rootScopedToken, .aclUser, .root]),
        (.upload(prod), [.owner, .unscopedToken, .aclUser, .root]),
        (.yank(dev), [.owner, .unscopedToken, .scopedToken, .rootScopedToken, .aclUser, .root]),
        (.deleteVersion(prod), [.owner, .unscopedToken, .aclUser, .root]),
        (.setProjectStatus(dev), [.owner, .unscopedToken, .root]),
        (.setProjectStatus(prod), [.owner, .unscopedToken, .root]),
        (.createToken(scope: nil), [.owner, .otherUser, .aclUser, .root, .builder]),
        (.revokeToken(id: "another-of-alice", owner: "alice"), [.owner, .root]),
        (.revokeToken(id: "scoped", owner: "alice"), [.owner, .root, .scopedToken]),
        (.revokeToken(id: "unscoped", owner: "alice"), [.owner, .root, .unscopedToken]),
        (.revokeToken(id: "read", owner: "carol"), [.root, .readToken, .aclUser]),
        (.listTokens(owner: "alice"), [.owner, .unscopedToken, .root]),
        (.reportBuild, [.root, .builder]),
        (.holdBuildLease, [.root, .builder]),
        (.manageMirror(try! IndexID("alice/pypi")), [.root]),
        (.manageMirror(try! IndexID("root/pypi")), [.root]),
    ]

    @Test("every operation × every principal", arguments: table)
    func decision(operation: Operation, allowed: Set<Principal>) {
        for principal in Principal.allCases {
            let facts = Authorization.Facts(aclUpload: ["carol"], isBuilder: principal == .builder)
            let refusal = Authorization.check(principal.identity, operation, facts: facts)
            #expect((refusal == nil) == allowed.contains(principal), "\(principal) \(operation): \(refusal?.message ?? "allowed")")
            if let refusal {
                #expect(refusal.kind == (principal == .anonymous ? .unauthorized : .forbidden), "\(principal) \(operation)")
            }
        }
    }

    @Test("nobody uploads to a mirror, root and its owner included; yanks stay the owner's")
    func mirrorUploads() {
        for principal in Principal.allCases {
            let facts = Authorization.Facts(aclUpload: ["carol"], isMirror: true)
            let refusal = Authorization.check(principal.identity, .upload(Self.dev), facts: facts)
            #expect(refusal != nil, "\(principal) uploaded to a mirror")
            if principal != .anonymous { #expect(refusal?.message.contains("is a mirror") == true || refusal?.kind == .forbidden, "\(principal)") }
        }
        #expect(Authorization.check(Principal.owner.identity, .yank(Self.dev), facts: .init(isMirror: true)) == nil)
    }

    /// Reading alice/dev under each `acl_read`, and who may; the owner and root always may.
    static let readTable: [([String], Set<Principal>)] = [
        ([":ANONYMOUS:"], Set(Principal.allCases)),
        ([":AUTHENTICATED:"], Set(Principal.allCases).subtracting([.anonymous, .scopedReadToken])),
        (["carol"], [.owner, .root, .scopedToken, .unscopedToken, .rootScopedToken, .aclUser, .readToken]),
        ([], [.owner, .root, .scopedToken, .unscopedToken, .rootScopedToken]),
    ]

    @Test("reading a private index × every principal: anonymous 401, a signed-in reader without the right 404 (as an index that does not exist)", arguments: readTable)
    func read(aclRead: [String], allowed: Set<Principal>) {
        for principal in Principal.allCases {
            let refusal = Authorization.check(principal.identity, .read(Self.dev), facts: Authorization.Facts(aclRead: aclRead))
            #expect((refusal == nil) == allowed.contains(principal), "\(principal) under \(aclRead): \(refusal?.message ?? "allowed")")
            if let refusal {
                #expect(refusal == (principal == .anonymous ? StoreError(.unauthorized, refusal.message) : Authorization.noIndex(Self.dev)), "\(principal) under \(aclRead)")
            }
        }
    }

    @Test("a read token may read and revoke itself, nothing else")
    func readTokens() {
        for (operation, _) in Self.table where operation != .revokeToken(id: "read", owner: "carol") {
            #expect(Authorization.check(Principal.readToken.identity, operation, facts: Authorization.Facts(aclUpload: ["carol"], isBuilder: true)) != nil, "\(operation)")
        }
        #expect(Authorization.check(Principal.readToken.identity, .revokeToken(id: "read", owner: "carol")) == nil)
    }

    @Test("a refusal says who may")
    func messages() {
        #expect(Authorization.check(Principal.otherUser.identity, .modifyIndex(Self.dev))?.message == "bob may not change index alice/dev: only alice or root may")
        #expect(Authorization.check(Principal.scopedToken.identity, .createIndex(try! IndexID("alice/x")))?.message.contains("scoped to alice/dev") == true)
    }
}
