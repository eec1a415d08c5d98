import Foundation
import PythonPackaging
import SiteConfiguration

/// Makes the wheelhouse a build needs: its static `[build-system]` requirements first, then
/// whatever the backend asks for on top (PEP 517 `get_requires_for_build_wheel`), asked inside
/// the runner's confinement with the static ones installed.
public struct BuildRequirements: Sendable {
    /// Fills (or finds) a wheelhouse for a set of requirements.
    public typealias Provider = @Sendable (_ requirements: [IndexRequirement]) async throws -> URL

    let provider: Provider

    public init(provider: @escaping Provider) {
        self.provider = provider
    }

    /// The request (made by `request` around its wheelhouse), and the dynamic requirements the backend named.
    public func resolve(
        staticRequirements: [IndexRequirement], runner: any Runner, request makeRequest: (_ wheelhouse: URL) -> BuildRequest
    ) async throws -> (BuildRequest, dynamic: [IndexRequirement]) {
        var request = makeRequest(try await provider(staticRequirements))
        let dynamic = try await runner.dynamicRequirements(for: request)
        let missing = dynamic.filter { !staticRequirements.contains($0) }
        if !missing.isEmpty { request.wheelhouse = try await provider(staticRequirements + missing) }
        return (request, dynamic)
    }
}
