import Foundation
import PythonPackaging
import SiteConfiguration
import Testing
import Whitelist
import YAMLFiles

/// What a gated mirror shows of each project: the versions a build would take from what the
/// upstream offers, less denied ones and those in their cooldown.
@Suite("Whitelist admission (a gated mirror's rule)")
struct WhitelistAdmissionTests {
    static let now = Date(timeIntervalSince1970: 2_000_000_000)
    static let month = now.addingTimeInterval(-30 * 86_400)
    static let hour = now.addingTimeInterval(-3_600)

    static func admission(cooldown: Cooldown = Cooldown(parsing: "7d")!) throws -> WhitelistAdmission {
        let text = """
            packages:
              - name: Pinned_Pkg
                versions: ["1.0", "3.0"]
                reason: r
              - name: followed
                specifier: "<3"
                latest: 2
                reason: r
              - name: young-allowed
                versions: ["2.0"]
                allow-young:
                  "2.0": fixes a CVE
                reason: r
              - name: own-cooldown
                specifier: ">=1"
                cooldown: 0
                reason: r
            deny:
              - name: followed
                specifier: "==2.1"
                reason: broken
            """
        let report = Whitelist.read([SourceFile(path: "w.yaml", text: text)], targets: testTargets)
        let whitelist = try #require(report.whitelist, "\(report.diagnostics)")
        return WhitelistAdmission(whitelist, cooldown: cooldown)
    }

    static func versions(_ list: [(String, Date?)]) -> [Version: Date?] {
        Dictionary(uniqueKeysWithValues: list.map { (try! Version($0.0), $0.1) })
    }

    static func set(_ list: [String]) -> Set<Version> { Set(list.map { try! Version($0) }) }

    /// Every offered version with an sdist.
    static let all = set(["1.0", "2.0", "2.1", "2.2", "3.0"])

    @Test("pins, the newest releases with an sdist a specifier admits, denies, the cooldown (the site's, an entry's own, allow-young); unlisted projects are nil")
    func admitted() throws {
        let admission = try Self.admission()
        #expect(admission.projects == ["followed", "own-cooldown", "pinned-pkg", "young-allowed"])
        #expect(admission.admitted("unlisted", offered: [:], sdists: Self.all, now: Self.now) == nil)
        // A followed entry chooses among releases with an sdist: a newer wheel-only release does not push 2.0 out.
        #expect(admission.admitted("followed", offered: Self.versions([("2.0", Self.month), ("2.2", Self.month)]), sdists: Self.set(["2.0"]), now: Self.now) == Self.set(["2.0"]))
        // Unknown sdists (only held files known, the upstream unread): every offered release counts.
        #expect(admission.admitted("followed", offered: Self.versions([("2.0", Self.month), ("2.2", Self.month)]), sdists: nil, now: Self.now) == Self.set(["2.0", "2.2"]))
        // Pins: only listed versions upstream has, none young.
        #expect(admission.admitted("pinned-pkg", offered: Self.versions([("1.0", Self.month), ("2.0", Self.month), ("3.0", Self.hour)]), sdists: Self.all, now: Self.now) == Self.set(["1.0"]))
        // latest 2 under <3: 2.1 is denied and 2.2 young, so the two newest left are 2.0 and 1.0.
        let offered = Self.versions([("1.0", Self.month), ("2.0", Self.month), ("2.1", Self.month), ("2.2", Self.hour), ("3.0", Self.month)])
        #expect(admission.admitted("followed", offered: offered, sdists: Self.all, now: Self.now) == Self.set(["1.0", "2.0"]))
        // No upload time counts as young.
        #expect(admission.admitted("followed", offered: Self.versions([("1.0", nil)]), sdists: Self.all, now: Self.now) == [])
        #expect(admission.admitted("young-allowed", offered: Self.versions([("2.0", Self.hour)]), sdists: Self.all, now: Self.now) == Self.set(["2.0"]))
        #expect(admission.admitted("own-cooldown", offered: Self.versions([("1.0", Self.hour)]), sdists: Self.all, now: Self.now) == Self.set(["1.0"]))
        // Without a site cooldown, a young pin passes.
        #expect(try Self.admission(cooldown: .none).admitted("pinned-pkg", offered: Self.versions([("3.0", Self.hour)]), sdists: Self.all, now: Self.now) == Self.set(["3.0"]))
    }
}
