import ArgumentParser
import Foundation
import SiteConfiguration

/// `--crate-registry`, for the commands that build (`build`, `plan`, `runner build`).
struct CrateRegistryOption: ParsableArguments {
    @Option(help: "Where Rust extensions' crates are vendored from: sparse+https://… (a company mirror) or a local registry folder (default: the config file's crate-registry:, else crates.io).")
    var crateRegistry: String?

    func validate() throws {
        if let flag, case .failure(let error) = CrateRegistry.parse(flag) { throw ValidationError("--crate-registry: \(error)") }
    }

    /// The flag, a folder made absolute against the working folder.
    var flag: String? {
        crateRegistry.map { $0.hasPrefix("sparse+") || $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
