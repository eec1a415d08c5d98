import Basics
import Foundation
import PythonPackaging
import Runners

/// `runner build --json`: the outcome as a machine reads it.
struct SdistBuildReport: Encodable {
    let succeeded: Bool
    let wheels: [String]
    let log: String
    let status: String
    let seconds: Double
    let facts: EnvironmentFacts?
    let limitsHit: [String]
    let runner: String
    let dynamicRequirements: [String]

    init(outcome: BuildOutcome, runner: String, dynamic: [IndexRequirement]) {
        succeeded = outcome.succeeded
        wheels = outcome.wheels.map(\.path)
        log = outcome.log.path
        status = outcome.status.description
        seconds = outcome.duration.seconds
        facts = outcome.facts
        limitsHit = outcome.limitsHit.map(\.rawValue).sorted()
        self.runner = runner
        dynamicRequirements = dynamic.map(\.description)
    }

    enum CodingKeys: String, CodingKey {
        case succeeded, wheels, log, status, seconds, facts, limitsHit = "limits_hit", runner, dynamicRequirements = "dynamic_requirements"
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
