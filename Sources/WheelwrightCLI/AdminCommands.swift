import ArgumentParser
import Foundation
import IndexAPI
import IndexClient
import SiteConfiguration
import Workspace

extension Wheelwright {
    struct UserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user", abstract: "Manage users of an index server.", subcommands: [Add.self, Delete.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a user (root only).",
                discussion: "The new user's password is asked twice on a terminal, or read from the first line of standard input."
            )
            @OptionGroup var server: ServerOptions
            @Argument(help: "The new user's name.") var name: String
            @Flag(help: "Allow the user to report build runs (the account wheelwright build uses).") var builder = false

            func run() async throws {
                // The new password from the terminal or stdin, never the command line.
                let password = try PasswordInput.read(for: name)
                try await server.client().createUser(name, UserRequest(password: password, builder: builder))
                print("created user \(name)")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a user with their volatile indices and tokens (the user or root).",
                discussion: "Refused while the user has a non-volatile index (it is never deleted), or an index another uses as a base."
            )
            @OptionGroup var server: ServerOptions
            @Argument(help: "The user to delete.") var name: String

            func run() async throws {
                try await server.client().deleteUser(name)
                print("deleted user \(name)")
            }
        }
    }

    struct IndexCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index", abstract: "Manage indices of an index server.", subcommands: [Create.self, Modify.self, List.self, Delete.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create an index USER/NAME.")
            @OptionGroup var server: ServerOptions
            @Argument(help: "USER/NAME") var index: String
            @Option(help: "Base indices, in order, comma-separated (USER/NAME,…).") var bases: String?
            @Option(help: "Users who may upload besides the owner, comma-separated.") var aclUpload: String?
            @Option(help: "Who may read, comma-separated: users, :AUTHENTICATED: (everyone signed in), :ANONYMOUS: (everyone, the default).") var aclRead: String?
            @Flag(help: "Allow overwriting and deleting files (default: non-volatile).") var volatile = false
            @Option(help: "Make a mirror of this upstream simple index (https://pypi.org/simple/) instead of a stage (root only).") var mirror: String?
            @Option(help: "A mirror's gate: whitelist (only what the company whitelist admits, the default) or none.") var gate: String?
            @Option(help: "Seconds a mirror's copy of an upstream page is fresh (default 1800).") var cacheExpiry: Int?

            func validate() throws {
                guard index.split(separator: "/").count == 2 else { throw ValidationError("expected USER/NAME, got '\(index)'") }
                if mirror == nil, gate != nil || cacheExpiry != nil { throw ValidationError("--gate and --cache-expiry are a mirror's: give --mirror URL") }
                if mirror != nil, bases != nil || volatile { throw ValidationError("a mirror has no --bases and is never --volatile") }
                if let gate, !["whitelist", "none"].contains(gate) { throw ValidationError("--gate must be whitelist or none, found '\(gate)'") }
            }

            func run() async throws {
                let body = IndexRequest(type: mirror == nil ? IndexRequest.stage : IndexRequest.mirror, bases: IndexCommand.list(bases) ?? [], volatile: volatile,
                                        aclUpload: IndexCommand.list(aclUpload) ?? [], aclRead: IndexCommand.list(aclRead),
                                        mirrorURL: mirror, mirrorCacheExpiry: cacheExpiry, gate: gate)
                let created = try await server.client().createIndex(index, body)
                if let upstream = created.mirrorURL {
                    print("created mirror \(index) of \(upstream), gate: \(created.gate ?? "whitelist")")
                } else {
                    print("created index \(index)")
                }
            }
        }

        struct Modify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change an index's bases, uploaders or readers (its owner or root).",
                discussion: "Each option given replaces that setting; the others stay. A private index (--acl-read without :ANONYMOUS:) answers anonymous readers 401 and signed-in readers without the right 404."
            )
            @OptionGroup var server: ServerOptions
            @Argument(help: "USER/NAME") var index: String
            @Option(help: "Base indices, in order, comma-separated (USER/NAME,…).") var bases: String?
            @Option(help: "Users who may upload besides the owner, comma-separated.") var aclUpload: String?
            @Option(help: "Who may read, comma-separated: users, :AUTHENTICATED:, :ANONYMOUS: (everyone).") var aclRead: String?

            func validate() throws {
                guard index.split(separator: "/").count == 2 else { throw ValidationError("expected USER/NAME, got '\(index)'") }
                guard bases != nil || aclUpload != nil || aclRead != nil else { throw ValidationError("give --bases, --acl-upload or --acl-read") }
            }

            func run() async throws {
                let changed = try await server.client().modifyIndex(index, IndexRequest(bases: IndexCommand.list(bases), aclUpload: IndexCommand.list(aclUpload),
                                                                                       aclRead: IndexCommand.list(aclRead)))
                print("changed index \(index): bases \(changed.bases.isEmpty ? "none" : changed.bases.joined(separator: ",")), acl_upload \(changed.aclUpload.joined(separator: ",")), acl_read \(changed.aclRead.joined(separator: ","))")
            }
        }

        /// A comma-separated option as a list (nil when not given).
        static func list(_ text: String?) -> [String]? {
            text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the users and their indices.")
            @OptionGroup var server: ServerOptions

            func run() async throws {
                let configured = try ConfigFile.load(flag: nil)
                let users = try await server.client(configured: configured).users()
                var listed = 0
                for user in users.keys.sorted() {
                    let indices = users[user]?.indexes ?? [:]
                    for name in indices.keys.sorted() {
                        guard let settings = indices[name] else { continue }
                        let bases = settings.bases.joined(separator: ",")
                        let readers = settings.aclRead.contains(IndexRequest.anonymous) ? "" : "\tprivate: acl_read=\(settings.aclRead.joined(separator: ","))"
                        let mirror = settings.mirrorURL.map { "\tmirror of \($0), gate: \(settings.gate ?? "whitelist")" } ?? ""
                        print("\(user)/\(name)\tbases=\(bases.isEmpty ? "-" : bases)\t\(settings.volatile ? "volatile" : "non-volatile")\(readers)\(mirror)")
                        listed += 1
                    }
                }
                if listed == 0 {
                    // Silence would look like a failure, or like the wrong server.
                    print("no indices on \(server.address(configured: configured.server)): create one with wheelwright index create USER/NAME (as that user or root)")
                }
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a volatile index USER/NAME with its files (its owner or root).",
                discussion: "A non-volatile index is never deleted; an index that others use as a base is refused with their names."
            )
            @OptionGroup var server: ServerOptions
            @Argument(help: "USER/NAME") var index: String

            func validate() throws {
                guard index.split(separator: "/").count == 2 else { throw ValidationError("expected USER/NAME, got '\(index)'") }
            }

            func run() async throws {
                try await server.client().deleteIndex(index)
                print("deleted index \(index)")
            }
        }
    }

    struct TokenCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self, List.self, Revoke.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List live tokens: id, scope, created, last used (never the secret).")
            @OptionGroup var server: ServerOptions
            @Option(name: .customLong("of"), help: "Another user's tokens (root only).") var owner: String?
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let tokens = try await server.client().tokens(of: owner)
                if json {
                    print(try PrettyJSON.string(tokens))
                    return
                }
                guard !tokens.isEmpty else {
                    print("no tokens: create one with wheelwright token create")
                    return
                }
                func date(_ seconds: Double?) -> String {
                    seconds.map { Date(timeIntervalSince1970: $0).ISO8601Format() } ?? "never"
                }
                TextTable.print([["ID", "USER", "SCOPE", "CREATED", "LAST USED"]] + tokens.map {
                    [$0.id, $0.user, ($0.read ? "read: " : "") + ($0.indices?.joined(separator: ",") ?? "all of the user's indices"), date($0.created), date($0.lastUsed)]
                })
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke an API token (its id, or the whole token).")
            @OptionGroup var server: ServerOptions
            @Argument(help: "The token's id (the part after ww_), or the token.") var token: String

            func run() async throws {
                let id = TokenText.parse(token)?.id ?? token
                try await server.client().revokeToken(id: id)
                print("revoked token \(id)")
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create an API token for the logged-in user; it is shown once.")
            @OptionGroup var server: ServerOptions
            @Option(name: .customLong("index"), help: "Limit the token to this index (repeatable).") var indices: [String] = []
            @Flag(help: "A read token: it may only read (private indices included), e.g. in pip's --index-url https://__token__:TOKEN@host/USER/INDEX/+simple/.") var read = false

            func run() async throws {
                let created = try await server.client().createToken(TokenRequest(indices: indices.isEmpty ? nil : indices, read: read))
                print(created.token)
            }
        }
    }

    struct Yank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Yank a file (PEP 592), or undo a yank.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "USER/INDEX") var index: String
        @Argument(help: "The file's name.") var filename: String
        @Option(help: "Why, shown to installers.") var reason: String?
        @Flag(help: "Unyank the file.") var undo = false

        func run() async throws {
            try await server.client().yank(filename, in: index, YankRequest(yanked: !undo, reason: reason))
            print(undo ? "unyanked \(filename) in \(index)" : "yanked \(filename) in \(index)")
        }
    }
}
