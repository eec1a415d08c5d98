import Archives
import Foundation
import PythonPackaging

/// Changes a finished wheel in place: members of its `.dist-info` replaced or added, RECORD
/// updated to match, the copy written beside it and renamed over it only when whole.
enum WheelAmendment {
    /// `replacing` maps a member's path inside `NAME-VERSION.dist-info/` to a function of its
    /// current bytes; `adding` names new members there. A member the wheel already has at an
    /// added path (a build backend's own file of that name) is replaced, never left beside ours.
    static func amend(_ wheel: URL, replacing: [String: ([UInt8]) -> [UInt8]] = [:], adding: [(path: String, bytes: [UInt8])] = []) throws {
        let name = try WheelFilename(wheel.lastPathComponent)
        let distInfo = "\(name.distribution)-\(name.versionText).dist-info"
        let wanted = Set(replacing.keys.map { "\(distInfo)/\($0)" } + adding.map { "\(distInfo)/\($0.path)" } + ["\(distInfo)/RECORD"])
        let members = try ArchiveReader.read(wheel.path, format: .zip) { wanted.contains($0) }
        guard let record = members.first(where: { $0.path == "\(distInfo)/RECORD" }) else {
            throw BuilderError.badWheel(wheel.lastPathComponent, "it has no \(distInfo)/RECORD")
        }
        var recordText = String(decoding: record.bytes, as: UTF8.self)
        var replacements: [String: [UInt8]] = [:]
        for (member, change) in replacing {
            let path = "\(distInfo)/\(member)"
            guard let current = members.first(where: { $0.path == path }) else { throw BuilderError.badWheel(wheel.lastPathComponent, "it has no \(path)") }
            replacements[path] = change(current.bytes)
            recordText = WheelRecord.replacing(recordText, path: path, with: replacements[path] ?? [])
        }
        var added: [(path: String, bytes: [UInt8])] = []
        for member in adding.map({ (path: "\(distInfo)/\($0.path)", bytes: $0.bytes) }) {
            if members.contains(where: { $0.path == member.path }) {
                replacements[member.path] = member.bytes
            } else {
                added.append(member)
            }
            recordText = WheelRecord.adding(recordText, path: member.path, bytes: member.bytes)
        }
        replacements["\(distInfo)/RECORD"] = Array(recordText.utf8)
        let staged = wheel.deletingLastPathComponent().appendingPathComponent(".\(wheel.lastPathComponent).partial")
        try ZipRewriter.copy(wheel.path, to: staged.path, replacing: replacements, adding: added)
        guard rename(staged.path, wheel.path) == 0 else {
            throw BuilderError.badWheel(wheel.lastPathComponent, "cannot replace it with its rewritten copy (errno \(errno))")
        }
    }
}
