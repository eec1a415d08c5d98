import YAMLFiles
import PythonPackaging
import Yams

/// Adds a package (or a version of one) to a whitelist file as a person would: the new entry
/// goes in its sorted place under `packages:`, and every other byte of the file, comments
/// included, stays as it was.
public enum WhitelistEditor {
    /// What `whitelist add` writes into an entry.
    public struct Request: Sendable {
        public var name: ProjectName
        public var version: Version
        public var license: String?
        public var url: String?
        public var reason: String?
        public var requestedBy: String?
        public var targets: [String]?
        /// Why this version is built while still in its cooldown (`allow-young:`); nil: it is not.
        public var allowYoung: String?
        /// Why it is whitelisted outside the site's license policy (`license-reason:`).
        public var licenseReason: String?

        public init(name: ProjectName, version: Version, license: String? = nil, url: String? = nil,
                    reason: String? = nil, requestedBy: String? = nil, targets: [String]? = nil, allowYoung: String? = nil) {
            self.allowYoung = allowYoung
            self.name = name
            self.version = version
            self.license = license
            self.url = url
            self.reason = reason
            self.requestedBy = requestedBy
            self.targets = targets
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// The new text of the file.
        case changed(String)
        /// The version is already listed: nothing to do.
        case unchanged(String)
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// A file with CRLF line ends is edited as LF (Swift reads "\r\n" as one character, which
    /// no "\n" split sees) and written back with CRLF.
    public static func add(_ request: Request, to text: String, path: String) throws(Failure) -> Outcome {
        let crlf = text.unicodeScalars.contains("\r")
        guard crlf else { return try edit(request, text, path: path) }
        let lf = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" }))
        switch try edit(request, lf, path: path) {
        case .changed(let edited): return .changed(edited.replacingOccurrences(of: "\n", with: "\r\n"))
        case .unchanged(let why): return .unchanged(why)
        }
    }

    static func edit(_ request: Request, _ text: String, path: String) throws(Failure) -> Outcome {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Failure(description: "\(path) is not valid YAML (\(error)); fix it first: wheelwright whitelist lint")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard case .mapping(let top)? = root, let packages = top.first(where: { $0.key.string == "packages" })?.value,
              case .sequence(let entries) = packages, !entries.isEmpty else {
            return .changed(appendingPackages(request, to: text))
        }
        // Existing entry for the project: extend its versions.
        for entry in entries {
            guard case .mapping(let fields) = entry, let name = fields.first(where: { $0.key.string == "name" })?.value.string,
                  ProjectName.normalize(name) == request.name.normalized else { continue }
            guard let versions = fields.first(where: { $0.key.string == "versions" })?.value,
                  case .sequence(let items) = versions else {
                throw Failure(description: "\(path): '\(name)' follows releases with specifier/latest; edit it by hand")
            }
            if items.contains(where: { (try? Version($0.string ?? "")) == request.version }) {
                // Listed already: a young one allowed now gets its allow-young: line.
                let allowed = fields.first { $0.key.string == "allow-young" }?.value.mapping?.contains { (try? Version($0.key.string ?? "")) == request.version } ?? false
                guard let reason = request.allowYoung, !allowed else {
                    return .unchanged("\(name) \(request.version) is already in \(path): nothing changed")
                }
                let keyColumn = (fields.first { $0.key.string == "versions" }?.key.mark?.column ?? 5) - 1
                addAllowYoung(request.version, reason: reason, entryStart: (entry.mark?.line ?? 1) - 1, fieldIndent: keyColumn, to: &lines)
                return .changed(lines.joined(separator: "\n"))
            }
            let line = (versions.mark?.line ?? 1) - 1
            // Flow style when the list starts with `[` where the node begins (Yams does not keep the style).
            let column = (versions.mark?.column ?? 1) - 1
            let startsWithBracket = lines[line].unicodeScalars.dropFirst(column).first == "["
            // Who asked for this version and why go in a comment line under the version: the
            // entry's own fields belong to its first request.
            let note = versionNote(request)
            if startsWithBracket {
                // `versions: ["1.0", "1.1"]` on one line: add before the closing bracket.
                guard let close = lines[line].lastIndex(of: "]") else { throw Failure(description: "\(path):\(line + 1): cannot find the end of the versions list") }
                let separator = items.isEmpty ? "" : ", "
                lines[line].insert(contentsOf: "\(separator)\"\(request.version)\"", at: close)
                let fieldIndent = String(lines[line].prefix { $0 == " " || $0 == "-" }.map { _ in " " })
                if let note { lines.insert(fieldIndent + note, at: lineAfterNotes(following: line, in: lines)) }
            } else {
                let last = (items.last?.mark?.line ?? (line + 1)) - 1
                let indent = String(lines[last].prefix { $0 == " " })
                lines.insert(contentsOf: ["\(indent)- \"\(request.version)\""] + (note.map { ["\(indent)  \($0)"] } ?? []),
                             at: lineAfterNotes(following: last, in: lines))
            }
            if let reason = request.allowYoung {
                let keyColumn = (fields.first { $0.key.string == "versions" }?.key.mark?.column ?? 5) - 1
                addAllowYoung(request.version, reason: reason, entryStart: (entry.mark?.line ?? 1) - 1, fieldIndent: keyColumn, to: &lines)
            }
            return .changed(lines.joined(separator: "\n"))
        }
        // A new entry, before the first one whose name sorts after it.
        let first = (entries[0].mark?.line ?? 1) - 1
        let dashIndent = String(lines[first].prefix { $0 == " " })
        let block = entryLines(request, dashIndent: dashIndent)
        let separated = entries.count > 1 && entries.indices.dropFirst().contains { index in
            let line = (entries[index].mark?.line ?? 1) - 1
            return line > 0 && lines[line - 1].trimmingCharacters(in: " ").isEmpty
        }
        if let next = entries.first(where: { ProjectName.normalize(($0.mapping?.first { $0.key.string == "name" }?.value.string) ?? "") > request.name.normalized }) {
            var at = (next.mark?.line ?? 1) - 1
            // Comments right above an entry belong to it.
            while at > 0, lines[at - 1].trimmingCharacters(in: " ").hasPrefix("#") { at -= 1 }
            lines.insert(contentsOf: block + (separated ? [""] : []), at: at)
        } else {
            // After the last entry: its lines run until a line indented no deeper than its dash
            // (the next top-level key, or a comment that belongs to what follows).
            let lastStart = (entries[entries.count - 1].mark?.line ?? 1) - 1
            var end = lastStart + 1
            while end < lines.count {
                let trimmed = lines[end].trimmingCharacters(in: " ")
                if !trimmed.isEmpty && lines[end].prefix(while: { $0 == " " }).count <= dashIndent.count { break }
                end += 1
            }
            while end > lastStart + 1 && lines[end - 1].trimmingCharacters(in: " ").isEmpty { end -= 1 }
            lines.insert(contentsOf: (separated ? [""] : []) + block, at: end)
        }
        return .changed(lines.joined(separator: "\n"))
    }

    static func entryLines(_ request: Request, dashIndent: String) -> [String] {
        let field = dashIndent + "  "
        var lines = ["\(dashIndent)- name: \(request.name.original)", "\(field)versions: [\"\(request.version)\"]"]
        if let targets = request.targets { lines.append("\(field)targets: [\(targets.joined(separator: ", "))]") }
        if let license = request.license { lines.append("\(field)license: \(quoted(license))") }
        if let why = request.licenseReason { lines.append("\(field)license-reason: \(quoted(why))") }
        if let url = request.url { lines.append("\(field)url: \(url)") }
        if let reason = request.reason { lines.append("\(field)reason: \(quoted(reason))") }
        if let requestedBy = request.requestedBy { lines.append("\(field)requested-by: \(quoted(requestedBy))") }
        if let young = request.allowYoung { lines += ["\(field)allow-young:", "\(field)  \"\(request.version)\": \(quoted(young))"] }
        return lines
    }

    /// `VERSION: REASON` in the `allow-young:` mapping of the entry starting at `entryStart`
    /// (its fields at column `fieldIndent`), the mapping made at the entry's end when missing.
    static func addAllowYoung(_ version: Version, reason: String, entryStart: Int, fieldIndent: Int, to lines: inout [String]) {
        let indent = String(repeating: " ", count: fieldIndent)
        let pair = "\(indent)  \"\(version)\": \(quoted(reason))"
        var end = entryStart + 1
        while end < lines.count {
            let trimmed = lines[end].trimmingCharacters(in: " ")
            if !trimmed.isEmpty && lines[end].prefix(while: { $0 == " " }).count < fieldIndent { break }
            if lines[end].hasPrefix(indent + "allow-young:") {
                lines.insert(pair, at: end + 1)
                return
            }
            end += 1
        }
        while end > entryStart + 1 && lines[end - 1].trimmingCharacters(in: " ").isEmpty { end -= 1 }
        lines.insert(contentsOf: ["\(indent)allow-young:", pair], at: end)
    }

    /// The line after `line` and the comment lines right under it (the notes of versions added before).
    static func lineAfterNotes(following line: Int, in lines: [String]) -> Int {
        var next = line + 1
        while next < lines.count, lines[next].trimmingCharacters(in: " ").hasPrefix("#") { next += 1 }
        return next
    }

    /// `# 1.17.0 requested by alice: reason`, on one line whatever the request holds; nil when it
    /// names neither who nor why.
    static func versionNote(_ request: Request) -> String? {
        let oneLine = { (text: String) in String(text.map { $0.isNewline ? " " : $0 }).trimmingCharacters(in: " ") }
        let who = request.requestedBy.map(oneLine).flatMap { $0.isEmpty ? nil : " requested by \($0)" }
        let why = request.reason.map(oneLine).flatMap { $0.isEmpty ? nil : ": \($0)" }
        guard who != nil || why != nil else { return nil }
        return "# \(request.version)\(who ?? "")\(why ?? "")"
    }

    /// A file without entries gets a `packages:` list at its end.
    static func appendingPackages(_ request: Request, to text: String) -> String {
        var result = text
        if !result.isEmpty && !result.hasSuffix("\n") { result += "\n" }
        let hasKey = text.split(separator: "\n").contains { $0.hasPrefix("packages:") }
        if hasKey {
            // `packages:` with nothing (or `[]`) under it: replace that line.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let index = lines.firstIndex(where: { $0.hasPrefix("packages:") }) {
                lines[index] = "packages:"
                lines.insert(contentsOf: entryLines(request, dashIndent: "  "), at: index + 1)
                return lines.joined(separator: "\n")
            }
        }
        return result + "packages:\n" + entryLines(request, dashIndent: "  ").joined(separator: "\n") + "\n"
    }

    /// A YAML scalar that reads back as the same string.
    static func quoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || " .-_/()+,".contains($0) }
            && !text.isEmpty && text.first != " " && text.last != " " && !["yes", "no", "true", "false", "null", "~"].contains(text.lowercased())
        if plain { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = lastIndex(where: { !set.contains($0) })!
        return String(self[first...last])
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
