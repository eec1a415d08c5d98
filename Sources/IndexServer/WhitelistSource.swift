import Whitelist

/// Where a gated mirror's whitelist comes from: the folder `serve --config` names. The server
/// asks for the fingerprint now and then and reads the files again only when it changed.
public protocol WhitelistSource: Sendable {
    /// A cheap value that changes whenever a whitelist file (or a target definition) does:
    /// their names, sizes and modification times.
    func fingerprint() -> String
    /// The whitelist as the files say now; throws what is wrong with them (a file:line:column
    /// error), and then the gate keeps what it had.
    func load() throws -> WhitelistAdmission
}
