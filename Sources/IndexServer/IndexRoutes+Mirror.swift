import Foundation
import HTTPTypes
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging
import Upstream
import Whitelist

/// The simple API of an index whose resolution order reaches mirrors: what the catalog holds,
/// merged with what each mirror's upstream lists now (gated by the whitelist unless the mirror
/// says `gate: none`). Kept in the page cache under a key that names, besides the catalog's
/// generation, when each upstream page was read and which whitelist was in force; a stale page
/// is made for its request. Files a mirror holds already are served with the bytes it holds,
/// whatever the upstream lists under their names since.
extension IndexRoutes {
    /// A mirror and its settings, as the read snapshot lists them.
    typealias Mirror = (index: IndexID, settings: IndexSettings)

    /// What each mirror of the order says of a project: nil for a gated mirror whose whitelist
    /// does not list it (the upstream is not asked), else its page as read.
    typealias MirrorAnswers = [IndexID: MirrorProxy.Answer?]

    func mirroredProject(_ index: IndexID, normalized: String, mirrors: [Mirror], format: SimpleFormat, request: Request) async throws -> Response {
        // The whitelist is asked before the upstream: a name it does not list costs no request.
        var answers: MirrorAnswers = [:]
        var gate = 0
        for mirror in mirrors {
            if mirror.settings.gate != MirrorGate.none {
                let (admission, version) = try mirrorProxy.gatekeeper.current()
                gate = version
                guard admission.lists(normalized) else {
                    answers[mirror.index] = .some(nil)
                    continue
                }
            }
            answers[mirror.index] = await mirrorProxy.listing(of: normalized, mirror: mirror.index, settings: mirror.settings)
        }
        let stale = mirrors.compactMap { mirror in answers[mirror.index]??.stale.map { "\(mirror.index): \($0)" } }
        let render = { try await self.mergedProject(index, normalized: normalized, mirrors: mirrors, answers: answers, stale: stale, format: format) }
        guard stale.isEmpty else { return proxiedPage(try await render(), format: format, stale: stale, request: request) }
        // Kept like any page, as long as the catalog, each upstream page as read and the whitelist are.
        let read = mirrors.map { mirror in answers[mirror.index]??.listing.map { String($0.fetched.timeIntervalSince1970) } ?? "-" }
        return try await cached(request, key: "mirror|\(index)|\(normalized)|\(format.rawValue)|\(gate)|\(read.joined(separator: ","))",
                          contentType: format.contentType, cacheControl: Self.simpleCacheControl, reads: .indices(try await resolutionOrder(of: index)),
                          render: render)
    }

    /// The project's page: what the catalog serves through the order, merged with what each
    /// mirror's upstream lists (as its gate admits), each file once by name.
    func mergedProject(_ index: IndexID, normalized: String, mirrors: [Mirror], answers: MirrorAnswers, stale: [String], format: SimpleFormat) async throws -> String {
        let order = try await resolutionOrder(of: index)
        var standing: ProjectStanding
        var files: [StoredFile]
        do {
            (standing, files) = try await service.servedProject(normalized, order: order)
        } catch let error as StoreError where error.kind == .notFound {
            (standing, files) = (try await service.standing(of: normalized, in: index), [])
        }
        var unlisted = false
        var gatedOut = false
        // A project an index of the order holds itself is never taken from a mirror: nobody can
        // shadow a company's own project by publishing its name upstream (devpi's rule).
        let mirrorIndices = Set(mirrors.map(\.index))
        let ownProject = files.contains { !mirrorIndices.contains($0.index) }
        if ownProject { files.removeAll { mirrorIndices.contains($0.index) } }
        for mirror in mirrors where standing.status.servesFiles && !ownProject {
            let held = files.filter { $0.index == mirror.index }
            guard let answer = answers[mirror.index] ?? nil else {
                unlisted = true
                files.removeAll { $0.index == mirror.index }
                continue
            }
            var admitted: Set<Version>?
            if mirror.settings.gate != MirrorGate.none {
                admitted = try mirrorProxy.admitted(normalized, listing: answer.listing, stored: held) ?? []
                // Without a page nor a held file, nothing is known to judge: the upstream's failure is the answer.
                if admitted?.isEmpty == true, answer.listing != nil || !held.isEmpty { gatedOut = true }
                files.removeAll { file in file.index == mirror.index && !(admitted ?? []).contains(where: { $0.description == file.version }) }
            }
            let remoteByName = Dictionary((answer.listing?.files ?? []).map { ($0.filename, $0) }, uniquingKeysWith: { first, _ in first })
            // A held file keeps its bytes; the upstream's yank reaches it all the same.
            for (position, file) in files.enumerated() where file.index == mirror.index {
                guard let remote = remoteByName[file.filename] else { continue }
                if file.sha256 != remote.sha256?.lowercased() { mirrorProxy.reportChanged(remote, stored: file) }
                if remote.isYanked, !file.yanked { (files[position].yanked, files[position].yankReason) = (true, remote.yankReason) }
            }
            var listed = Set(files.map(\.filename))
            for remote in answer.listing?.files ?? [] where listed.insert(remote.filename).inserted {
                guard let parsed = try? IndexService.parseFilename(remote.filename, canonical: false), parsed.project == normalized,
                      admitted?.contains(parsed.version) ?? true, let fetched = answer.listing?.fetched else { continue }
                files.append(StoredFile(
                    index: mirror.index, filename: remote.filename, project: normalized, version: parsed.version.description, kind: parsed.kind,
                    sha256: (remote.sha256 ?? "").lowercased(), size: Int64(remote.size ?? 0),
                    // Unknown: the time it was seen, so that an installer's "newer than" filter does not take it for old.
                    uploadTime: (remote.uploadTime ?? fetched).timeIntervalSince1970,
                    uploader: mirror.index.user, requiresPython: remote.requiresPython, yanked: remote.isYanked, yankReason: remote.yankReason,
                    metadataSHA256: nil, provenance: nil
                ))
            }
        }
        guard !files.isEmpty || standing.setting != nil else {
            if unlisted { throw mirrorProxy.notWhitelisted(normalized) }
            if gatedOut {
                throw StoreError.notFound("the company whitelist admits no release of \(normalized) that upstream has (its pins, specifiers, denies and cooldown decide): request one with wheelwright whitelist add \(normalized)==VERSION")
            }
            if !stale.isEmpty { throw StoreError(.badGateway, "no project \(normalized) is known to \(index): \(stale.joined(separator: "; "))") }
            throw StoreError.notFound("no project \(normalized) in \(index) or its bases")
        }
        return SimplePages.projectPage(normalized, files: files, status: standing, format: format, prefix: pathPrefix)
    }

    /// The project list of an index that reaches mirrors: the catalog's, with every project a
    /// gated mirror's whitelist lists (an ungated mirror adds the projects it holds already).
    func mirroredList(_ index: IndexID, mirrors: [Mirror], format: SimpleFormat, request: Request) async throws -> Response {
        let gated = mirrors.contains { $0.settings.gate != MirrorGate.none }
        let (admission, gate) = gated ? try mirrorProxy.gatekeeper.current() : (nil, 0)
        let order = try await resolutionOrder(of: index)
        return try await cached(request, key: "mirrorlist|\(index)|\(format.rawValue)|\(gate)", contentType: format.contentType,
                                cacheControl: Self.simpleCacheControl, reads: .indices(order)) {
            var projects = Set(try await service.projects(in: order))
            projects.formUnion(admission?.projects ?? [])
            return SimplePages.projectList(projects.sorted(), format: format)
        }
    }

    /// A page made for this request: its ETag is its bytes' fingerprint; a stale one says so
    /// (`Warning: 110`, RFC 7234's, and `X-Wheelwright-Stale` with the reason) and is not to be
    /// cached by clients.
    private func proxiedPage(_ body: String, format: SimpleFormat, stale: [String], request: Request) -> Response {
        let etag = "\"m-\(PageCache.fingerprint(body))\""
        var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept", .eTag: etag,
                                   .cacheControl: stale.isEmpty ? Self.simpleCacheControl : "no-cache"]
        if !stale.isEmpty {
            headers[Self.warning] = "110 - \"Response is Stale\""
            headers[Self.staleReason] = Self.headerText(stale.joined(separator: "; "))
        }
        Self.addSecurityHeaders(&headers)
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: " ") == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(body.utf8.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static let warning = HTTPField.Name("Warning")!
    static let staleReason = HTTPField.Name("X-Wheelwright-Stale")!

    /// `text` as a header value: printable ASCII only, at most 500 bytes.
    static func headerText(_ text: String) -> String {
        String(String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : " " }).prefix(500))
    }

    /// A file of a mirror that it does not hold yet: found on the upstream's page under this
    /// name and SHA-256, admitted by the gate, then fetched and stored.
    func mirroredFile(_ mirror: Mirror, filename: String, hash: String) async throws -> StoredFile {
        guard let parsed = try? IndexService.parseFilename(filename, canonical: false) else {
            throw StoreError.notFound("no file \(filename) in \(mirror.index)")
        }
        let answer = try await checkGate(parsed.project, version: parsed.version, mirror: mirror)
        guard let remote = answer.listing?.files.first(where: { $0.filename == filename }) else {
            if let stale = answer.stale { throw StoreError(.badGateway, "\(filename) is not held by \(mirror.index), and its upstream cannot be asked: \(stale)") }
            throw StoreError.notFound("no file \(filename) in \(mirror.index) or its upstream")
        }
        guard remote.sha256?.lowercased() == hash else {
            throw StoreError.notFound("no file \(filename) with SHA-256 \(hash) in \(mirror.index): its upstream lists another")
        }
        if let setting = try await service.standing(of: parsed.project, in: mirror.index).setting, !setting.status.servesFiles {
            throw StoreError.notFound("\(filename) is not served: \(parsed.project) is quarantined in \(setting.index) (\(setting.reason))")
        }
        let stored = try await mirrorProxy.fetch(remote, into: mirror.index, settings: mirror.settings, maximumBytes: limits.maximumUploadSize)
        // The whitelist may have changed while the file came.
        try await checkGate(parsed.project, version: parsed.version, mirror: mirror)
        return stored
    }

    /// A 404 unless a gated mirror's whitelist admits `version` of `project` (an ungated one
    /// admits everything); the whitelist is asked before the upstream, whose page it returns.
    @discardableResult
    func checkGate(_ project: String, version: Version, mirror: Mirror) async throws -> MirrorProxy.Answer {
        let gated = mirror.settings.gate != MirrorGate.none
        if gated, !(try mirrorProxy.gatekeeper.admission().lists(project)) { throw mirrorProxy.notWhitelisted(project) }
        let answer = await mirrorProxy.listing(of: project, mirror: mirror.index, settings: mirror.settings)
        guard gated else { return answer }
        let held = try await service.files(of: project, in: [mirror.index])
        let admitted = try mirrorProxy.admitted(project, listing: answer.listing, stored: held) ?? []
        guard admitted.contains(version) else {
            throw StoreError.notFound("\(project) \(version) is not admitted by the company whitelist (its pins, specifiers, denies or cooldown): request it with wheelwright whitelist add \(project)==\(version)")
        }
        return answer
    }
}
