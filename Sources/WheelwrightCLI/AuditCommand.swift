import ArgumentParser
import Builder
import Foundation
import PythonPackaging

extension Wheelwright {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the platform tag a wheel's shared objects allow, as `build` decides it (like `auditwheel show`)."
        )

        @Argument(help: "Wheels.")
        var wheels: [String]

        @Option(help: "The architecture (default: the one in each wheel's platform tag, else x86_64).")
        var architecture: String?

        func run() throws {
            var failed = false
            for path in wheels {
                let name = (path as NSString).lastPathComponent
                let platform = (try? WheelFilename(name))?.tagSet.platforms.first ?? ""
                let arch = architecture ?? ["x86_64", "aarch64", "ppc64le", "s390x"].first { platform.hasSuffix($0) } ?? "x86_64"
                do {
                    guard let audit = try Retagger.audit(wheel: path, architecture: arch) else {
                        print("\(name): pure (no shared objects)")
                        continue
                    }
                    let glibc = audit.highestGLIBC.map { ", needs GLIBC \($0)" } ?? ""
                    print("\(name): \(audit.platformTag)\(glibc)\(audit.reason.map { " (\($0))" } ?? "")")
                } catch {
                    failed = true
                    print("error: \(name): \(error)")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
