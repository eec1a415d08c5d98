import Hummingbird
import IndexAPI
import IndexStore

/// Reads a request's JSON object body (at most 64 kB) against the keys a resource takes.
enum JSONBody {
    static let maximumBytes = 64 << 10

    static func read(_ request: Request, allowed: Set<String>) async throws -> JSONObject {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        do {
            return try JSONObject(parsing: Array(buffer.readableBytesView), allowed: allowed)
        } catch {
            throw StoreError.badRequest(error.description)
        }
    }
}

extension JSONObject {
    /// Index names (`USER/INDEX`); a bad one is a 400 naming the key.
    func indexList(_ key: String) throws -> [IndexID]? {
        do {
            return try stringList(key)?.map { try IndexID($0) }
        } catch let error as SchemaError {
            throw StoreError.badRequest(error.description)
        } catch let error as StoreError {
            throw StoreError.badRequest("\(key): \(error.message)")
        }
    }

    /// `acl_read`: user names, `:ANONYMOUS:` and `:AUTHENTICATED:` (devpi's spellings, any case).
    func readerList(_ key: String) throws -> [String]? {
        try names(key, specials: [IndexRequest.anonymous, IndexRequest.authenticated])
    }

    /// User names, lower-cased; a bad one is a 400 naming the key.
    func userList(_ key: String) throws -> [String]? { try names(key, specials: []) }

    /// A list of user names (lower-cased), or of `specials`, each checked.
    private func names(_ key: String, specials: [String]) throws -> [String]? {
        do {
            return try stringList(key)?.map { name in
                if let special = specials.first(where: { $0.lowercased() == name.lowercased() }) { return special }
                try StoreName.validate(name, what: "user")
                return name.lowercased()
            }
        } catch let error as SchemaError {
            throw StoreError.badRequest(error.description)
        } catch let error as StoreError {
            throw StoreError.badRequest("\(key): \(error.message)" + (specials.isEmpty ? "" : " (or \(specials.joined(separator: ", ")))"))
        }
    }
}
