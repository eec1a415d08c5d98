extension Duration {
    /// The duration in seconds, for reports and JSON.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds (SwiftNIO's `TimeAmount`, atomic clocks); saturates
    /// rather than traps past ±292 years.
    public var nanoseconds: Int64 {
        let (whole, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return components.seconds < 0 ? .min : .max }
        let (total, overflowSum) = whole.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return overflowSum ? (whole < 0 ? .min : .max) : total
    }
}
