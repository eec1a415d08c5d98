import Foundation
import IndexAPI

extension RunReport {
    /// JUnit XML: one testcase per package-version-target-interpreter (`--run-id` suffixes the
    /// names so several runs merge), skipped with the reason, failures with the log's tail.
    public func junit(logTail: (String) -> String) -> String {
        let suffix = runID.map { "[\($0)]" } ?? ""
        var cases: [String] = []
        for result in results {
            let name = escape(result.item.id + suffix)
            var line = "    <testcase classname=\"\(escape(result.item.project))\" name=\"\(name)\" time=\"\(String(format: "%.3f", result.seconds))\""
            switch result.status {
            case .built:
                line += "/>"
            case .skipped:
                line += "><skipped message=\"\(escape(result.reason ?? ""))\"/></testcase>"
            case .failed, .cancelled:
                let tail = result.log.map(logTail) ?? ""
                line += "><failure message=\"\(escape(result.reason ?? result.status.rawValue))\">\(escape(tail))</failure></testcase>"
            }
            cases.append(line)
        }
        for skipped in skipped {
            cases.append("    <testcase classname=\"\(escape(skipped.item.project))\" name=\"\(escape(skipped.item.id + suffix))\" time=\"0\"><skipped message=\"\(escape(skipped.reason))\"/></testcase>")
        }
        let failures = count(.failed) + count(.cancelled)
        let skips = count(.skipped) + skipped.count
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="wheelwright build\(escape(suffix))" tests="\(results.count + skipped.count)" failures="\(failures)" skipped="\(skips)" time="\(String(format: "%.3f", seconds))" timestamp="\(startedAt)">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    private func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            // XML 1.0 cannot carry other control characters (compilers print ANSI colours).
            case _ where scalar.value < 0x20: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

