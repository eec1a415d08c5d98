import Foundation
import IndexAPI

/// An event as one JSON line of `build --log-format json` (its fields flat, snake_case, beside
/// the `time` and, for the plan, the `server` the command adds): what log collectors read.
extension BuildRun.Event: Encodable {
    enum CodingKeys: String, CodingKey {
        case event, message, sdist, release, reason, step, depth, item, project, version, target, python, status, seconds, wheel, index, log, skipped
        case toBuild = "to_build", longestChain = "longest_chain"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .planned(let plan):
            try c.encode("plan", forKey: .event)
            try c.encode(plan.items.count, forKey: .toBuild)
            try c.encode(plan.skipped.count, forKey: .skipped)
        case .dependencyWarning(let warning):
            try c.encode("warning", forKey: .event)
            try c.encode(warning, forKey: .message)
        case .fetched(let sdist):
            try c.encode("fetched", forKey: .event)
            try c.encode(sdist, forKey: .sdist)
        case .fetchFailed(let release, let reason):
            try c.encode("fetch_failed", forKey: .event)
            try c.encode(release, forKey: .release)
            try c.encode(reason, forKey: .reason)
        case .preparing(let step):
            try c.encode("preparing", forKey: .event)
            try c.encode(step, forKey: .step)
        case .ordered(let chain):
            try c.encode("ordered", forKey: .event)
            try c.encode(chain.count, forKey: .depth)
            try c.encode(chain, forKey: .longestChain)
        case .started(let item):
            try c.encode("started", forKey: .event)
            try Self.encode(item, into: &c)
        case .finished(let result):
            try c.encode("finished", forKey: .event)
            try Self.encode(result.item, into: &c)
            try c.encode(result.status.rawValue, forKey: .status)
            try c.encode(result.seconds, forKey: .seconds)
            try c.encodeIfPresent(result.wheel, forKey: .wheel)
            try c.encodeIfPresent(result.index, forKey: .index)
            try c.encodeIfPresent(result.reason, forKey: .reason)
            try c.encodeIfPresent(result.log, forKey: .log)
        }
    }

    private static func encode(_ item: BuildItem, into c: inout KeyedEncodingContainer<CodingKeys>) throws {
        try c.encode(item.id, forKey: .item)
        try c.encode(item.project, forKey: .project)
        try c.encode(item.version, forKey: .version)
        try c.encode(item.target, forKey: .target)
        try c.encode(item.python, forKey: .python)
    }
}
