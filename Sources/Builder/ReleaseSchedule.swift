/// Where one release stands in its run's scheduling: its place in the build order, the
/// releases finished so far, and the slots it builds in (what waiting needs while it builds).
struct ReleaseSchedule: Sendable {
    let release: String
    /// Its place in `graph.order`: a freed slot goes to the earliest waiting release.
    let position: Int
    let graph: BuildOrder
    let completion: ReleaseCompletion
    let slots: BuildSlots
}
