import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A control group that holds one build's process tree: it caps memory and processes for the
/// whole tree (rlimits only cap one process, and do not stop root from forking), tells which
/// limit was hit, and kills every process in it at the time limit.
///
/// cgroup v2 where its memory and pids controllers can be delegated, else the v1 `memory` and
/// `pids` hierarchies (this machine's hybrid layout). `make` returns nil where neither is
/// writable; the supervisor then falls back to rlimits.
struct ControlGroup: Sendable {
    enum Layout: Sendable {
        case unified(URL)
        case legacy(memory: URL, pids: URL)
    }

    let layout: Layout

    var folders: [URL] {
        switch layout {
        case .unified(let folder): [folder]
        case .legacy(let memory, let pids): [memory, pids]
        }
    }

    /// `cgroup v2`, `cgroup v1`: for the log.
    var kind: String {
        switch layout {
        case .unified: "cgroup v2"
        case .legacy: "cgroup v1"
        }
    }

    private static let mount = URL(fileURLWithPath: "/sys/fs/cgroup")

    /// Creates a fresh group under this process's own, with the limits written.
    static func make(limits: ResourceLimits) -> ControlGroup? {
        let name = "wheelwright-build-\(UUID().uuidString.prefix(8).lowercased())"
        let own = ownPaths()
        let fm = FileManager.default
        if fm.fileExists(atPath: mount.appendingPathComponent("cgroup.controllers").path), let path = own[""] {
            let parent = mount.appendingPathComponent(path)
            sweep(parent)
            // Delegating controllers fails when the parent holds processes; then v2 is not ours to use.
            write("+memory +pids", to: parent.appendingPathComponent("cgroup.subtree_control"))
            let folder = parent.appendingPathComponent(name)
            guard (try? fm.createDirectory(at: folder, withIntermediateDirectories: false)) != nil else { return nil }
            guard write(String(limits.memoryBytes), to: folder.appendingPathComponent("memory.max")),
                  write(String(limits.processes), to: folder.appendingPathComponent("pids.max")) else {
                rmdir(folder.path)
                return nil
            }
            // Without swap accounting this file is missing; the memory limit alone still holds.
            write("0", to: folder.appendingPathComponent("memory.swap.max"))
            return ControlGroup(layout: .unified(folder))
        }
        guard let memoryPath = own["memory"], let pidsPath = own["pids"] else { return nil }
        let memoryParent = mount.appendingPathComponent("memory").appendingPathComponent(memoryPath)
        let pidsParent = mount.appendingPathComponent("pids").appendingPathComponent(pidsPath)
        sweep(memoryParent)
        sweep(pidsParent)
        let memory = memoryParent.appendingPathComponent(name)
        let pids = pidsParent.appendingPathComponent(name)
        guard (try? fm.createDirectory(at: memory, withIntermediateDirectories: false)) != nil else { return nil }
        guard (try? fm.createDirectory(at: pids, withIntermediateDirectories: false)) != nil else {
            rmdir(memory.path)
            return nil
        }
        let group = ControlGroup(layout: .legacy(memory: memory, pids: pids))
        guard write(String(limits.memoryBytes), to: memory.appendingPathComponent("memory.limit_in_bytes")),
              write(String(limits.processes), to: pids.appendingPathComponent("pids.max")) else {
            group.remove()
            return nil
        }
        // Without swap accounting this file is missing; the memory limit alone still holds.
        write(String(limits.memoryBytes), to: memory.appendingPathComponent("memory.memsw.limit_in_bytes"))
        return group
    }

    /// The command, wrapped so that it joins this group before it runs: every process it starts
    /// is born inside.
    func wrap(_ command: [String]) -> [String] {
        let joins = folders.map { "echo $$ > '\($0.appendingPathComponent("cgroup.procs").path)'" }.joined(separator: " && ")
        return ["/bin/sh", "-c", "\(joins) && exec \"$@\"", "wheelwright-build"] + command
    }

    /// The limits the group refused something for.
    func limitsHit() -> Set<LimitHit> {
        var hits = Set<LimitHit>()
        switch layout {
        case .unified(let folder):
            if Self.counter("oom_kill", in: folder.appendingPathComponent("memory.events")) > 0 { hits.insert(.memory) }
            if Self.counter("max", in: folder.appendingPathComponent("pids.events")) > 0 { hits.insert(.processes) }
        case .legacy(let memory, let pids):
            if Self.counter("oom_kill", in: memory.appendingPathComponent("memory.oom_control")) > 0 { hits.insert(.memory) }
            if Self.counter("max", in: pids.appendingPathComponent("pids.events")) > 0 { hits.insert(.processes) }
        }
        return hits
    }

    /// Kills every process in the group, including those forked while killing.
    func killAll() {
        if case .unified(let folder) = layout, Self.write("1", to: folder.appendingPathComponent("cgroup.kill")) { return }
        for _ in 0..<100 {
            let pids = members()
            if pids.isEmpty { return }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }

    func members() -> [pid_t] {
        folders.flatMap { folder -> [pid_t] in
            guard let text = try? String(contentsOf: folder.appendingPathComponent("cgroup.procs"), encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { pid_t($0) }
        }
    }

    /// Removes the group once its processes are gone.
    func remove() {
        for folder in folders {
            for _ in 0..<50 where rmdir(folder.path) != 0 && errno == EBUSY { usleep(20_000) }
        }
    }

    /// Removes the empty groups of builds whose supervisor was killed before it could (older than
    /// a minute, so that a group another process has just made is left alone).
    private static func sweep(_ parent: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix("wheelwright-build-") {
            let folder = parent.appendingPathComponent(name)
            if let modified = (try? fm.attributesOfItem(atPath: folder.path))?[.modificationDate] as? Date,
               modified.timeIntervalSinceNow < -60 {
                rmdir(folder.path)
            }
        }
    }

    /// This process's group in each hierarchy: `memory` → `/x/y`, and `""` for cgroup v2.
    private static func ownPaths() -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return [:] }
        var paths: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for controller in fields[1].split(separator: ",", omittingEmptySubsequences: false) {
                paths[String(controller)] = String(fields[2])
            }
        }
        return paths
    }

    /// `name N` from a flat-keyed control file.
    private static func counter(_ name: String, in file: URL) -> Int {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == name { return Int(fields[1]) ?? 0 }
        }
        return 0
    }

    @discardableResult
    private static func write(_ value: String, to file: URL) -> Bool {
        let fd = open(file.path, O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return value.utf8CString.withUnsafeBufferPointer { buffer in
            Glibc.write(fd, buffer.baseAddress, buffer.count - 1) == buffer.count - 1
        }
    }
}
