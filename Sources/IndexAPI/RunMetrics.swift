import Foundation

/// A run's figures in Prometheus' text format, for node_exporter's textfile collector
/// (`wheelwright build --metrics-file /var/lib/prometheus/node-exporter/wheelwright.prom`):
/// items per target and result, build seconds per target, the run's duration, when it ended,
/// and whether it succeeded. Pure: the report in, the text out.
public enum RunMetrics {
    public static func text(_ report: RunReport, finishedAt: Date) -> String {
        var items: [String: [String: Int]] = [:]
        var seconds: [String: Double] = [:]
        for result in report.results where result.item.target != "*" {
            items[result.item.target, default: [:]][result.status.rawValue, default: 0] += 1
            seconds[result.item.target, default: 0] += result.seconds
        }
        for skipped in report.skipped {
            items[skipped.item.target, default: [:]]["skipped", default: 0] += 1
        }
        let unresolved = report.results.count { $0.item.target == "*" }
        var lines = [
            "# HELP wheelwright_build_items Items of the last build run, by target and result.",
            "# TYPE wheelwright_build_items gauge",
        ]
        for target in items.keys.sorted() {
            for status in ["built", "failed", "skipped", "cancelled"] {
                lines.append("wheelwright_build_items{target=\"\(label(target))\",result=\"\(status)\"} \(items[target]?[status] ?? 0)")
            }
        }
        lines += [
            "# HELP wheelwright_build_unresolved Whitelist entries the last run could not resolve upstream.",
            "# TYPE wheelwright_build_unresolved gauge",
            "wheelwright_build_unresolved \(unresolved)",
            "# HELP wheelwright_build_item_seconds Seconds the last run spent building items, by target.",
            "# TYPE wheelwright_build_item_seconds gauge",
        ]
        for target in seconds.keys.sorted() { lines.append("wheelwright_build_item_seconds{target=\"\(label(target))\"} \(number(seconds[target] ?? 0))") }
        lines += [
            "# HELP wheelwright_build_run_seconds The last build run's duration.",
            "# TYPE wheelwright_build_run_seconds gauge",
            "wheelwright_build_run_seconds \(number(report.seconds))",
            "# HELP wheelwright_build_last_run_timestamp_seconds When the last build run ended.",
            "# TYPE wheelwright_build_last_run_timestamp_seconds gauge",
            "wheelwright_build_last_run_timestamp_seconds \(number(finishedAt.timeIntervalSince1970))",
            "# HELP wheelwright_build_last_run_success 1 when every planned item of the last run was built or skipped.",
            "# TYPE wheelwright_build_last_run_success gauge",
            "wheelwright_build_last_run_success \(report.exitCode == 0 ? 1 : 0)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label value as the format escapes it (backslash, quote, newline).
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String { String(format: "%.3f", value) }
}
