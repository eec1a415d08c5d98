import Basics

/// What each page's template reads, typed: the mustache library finds these properties by
/// reflection. An optional that is nil (or a false Bool) is a section not shown; every value
/// is escaped by the templates.
enum PageContext {
    /// What the header and footer of every page read.
    struct Frame {
        let title: String
        /// The search box's text; nil shows it empty (and no "Search: …" heading).
        var query: String? = nil
        /// The path prefix behind a proxy ("" at the root), before every link's path.
        let prefix: String
        let version = WheelwrightVersion.current
        /// Where the page is: user › index › project › version (the templates read stored values only).
        var crumbs: [Crumb] = [] { didSet { hasCrumbs = !crumbs.isEmpty } }
        private(set) var hasCrumbs = false
    }

    /// One step of the breadcrumbs; the last is the page itself, without a link.
    struct Crumb: Sendable {
        let label: String
        /// Its page; the last crumb (this page) has none and is no link.
        let link: String
        let last: Bool
    }

    struct ErrorPage {
        let frame: Frame
        let status: String
        let message: String
    }

    struct Root {
        let frame: Frame
        let users: [User]
    }

    struct User {
        let name: String
        let indices: [IndexRow]
    }

    struct IndexRow {
        let path, bases: String
        let volatile: Bool
        /// Its `acl_read` does not admit everyone.
        let isPrivate: Bool
        /// A mirror's upstream and gate, for the tag's title; nil for a stage.
        let mirror: String?
        /// `12`, or `412 (400 via bases)` for an aggregation index.
        let projects, files: String
        let last: String
    }

    struct Index {
        let frame: Frame
        let path, filter: String
        let filtering: Bool
        /// "1 project", "250 projects".
        let projectCount: String
        let page, pages: Int
        /// The bases, and the simple API's URL as clients reach it (`--outside-url`).
        let bases, simple: String
        /// What a mirror is: its upstream and gate; nil for a stage.
        let mirror: String?
        /// Its `acl_read` does not admit everyone: who may read it.
        let readers: String?
        let projects: [ProjectRow]
        let previous, next: String?
    }

    struct ProjectRow {
        let name, path, newest: String
        let files: Int
        let last: String
        /// Its status when not `active` (PEP 792).
        let status: String?
    }

    struct Project {
        let frame: Frame
        let name, path: String
        /// One release's page rather than the project's.
        let single: Bool
        /// Nil when no file is served (a quarantined project, or a status set before any upload).
        let details: Details?
        let versions: [VersionGroup]
        /// The project's status when it is not `active` (PEP 792), and every recorded change.
        let status: Status?
        let history: [StatusChange]
        let hasHistory: Bool
    }

    /// A status other than `active`: which, where it was set, by whom, when and why.
    struct Status {
        let status, index, user, when, reason: String
        /// Its files are neither listed nor served.
        let quarantined: Bool
    }

    struct StatusChange {
        let status, index, user, when, reason: String
    }

    /// A release as a developer decides from it: its metadata, the whitelist entry that brought
    /// it, how to install it, and its description (sanitized HTML: the one value a template
    /// puts unescaped).
    struct Details {
        let version, summary: String
        let license, requiresPython: String?
        /// Who made it: author and maintainer, each with an email address when given.
        let people: [Person]
        let classifiers: [String]
        let hasClassifiers: Bool
        let keywords, platform: String?
        let links: [Link]
        let hasLinks: Bool
        let requirements: [Requirement]
        let hasRequirements: Bool
        let requestedBy, requestReason: String?
        let installs: [String]
        let description: String
    }

    struct Person: Sendable {
        let role, name: String
        let email: String?
    }

    /// A project URL: clickable when it is http(s).
    struct Link {
        let label: String
        let url: String?
        let text: String
    }

    /// A `Requires-Dist`, with the page of its project on the same index when it has one.
    struct Requirement: Sendable {
        let text: String
        let url: String?
    }

    struct VersionGroup: Sendable {
        let version, url: String
        let files: [FileRow]
    }

    struct FileRow: Sendable {
        let filename, url, size, kind, python, platform, target, sha256, shortSHA: String
        let yanked: Bool
        /// The yank's reason, the build log's URL and the SBOM's (PEP 770), when there are.
        let reason, log, sbom: String?
        let provenance: [Field]
        let hasProvenance: Bool
        /// Test results posted for the file (devpi test), one line per environment.
        let tests: [TestResult]
        /// Where it came from: its uploads and pushes, the run that built it, the base that holds it.
        let history: [HistoryLine]
    }

    /// One line of a file's history, with a link when there is a page for it (`link`, not an
    /// optional `url`: a missing key would be looked up in the file's row, whose `url` it has).
    struct HistoryLine: Sendable {
        let text: String
        let link: String
        let linked: Bool

        init(text: String, url: String?) {
            (self.text, link, linked) = (text, url ?? "", url != nil)
        }
    }

    /// One tox environment of a posted test result, as devpi-web shows it.
    struct TestResult: Sendable {
        let environment, python, platform, host, outcome, log, when: String
        let passed: Bool
    }

    struct Field: Sendable {
        let key, value: String
    }

    struct Builds {
        let frame: Frame
        let runs: [Run]
        /// The history of the last nights, oldest on the left; nil before two runs.
        let chart: Chart?
    }

    /// An SVG chart drawn by the template from coordinates computed here (no script).
    struct Chart {
        let width, height, plotTop, plotBottom: Int
        let bars: [Bar]
        /// The skipped items and the run's duration, as polylines on their own scales.
        let skippedLine, durationLine: String
        let maxItems, maxSkipped: Int
        let maxSeconds: String
        /// `the last run`, `the last 12 runs`.
        let lastRuns: String
    }

    struct Bar {
        let run: Int64
        let x, width: Int
        let builtY, builtHeight, failedY, failedHeight: Int
        let title: String
    }

    struct RunPage {
        let frame: Frame
        let run: Run
        let items: [ItemRow]
        /// The plan's skipped items (already in the index, or denied), `3 items`; nil for none.
        let skipped: String?
    }

    struct ItemRow {
        let project, version, target, python, status, seconds: String
        let bad: Bool
        /// A build tool (another release of the run needed it to be built).
        let tool: Bool
        let wheel, index, reason, log: String?
    }

    /// The coverage page around its rows, which `WebPages.coverage` writes itself.
    struct Coverage {
        let frame: Frame
        let targets: [TargetTotals]
        /// `1 entry`, `40 entries`.
        let entries: String
    }

    struct TargetTotals {
        let target: String
        let built, failed, denied, pending: Int
    }

    struct Run {
        let id: Int64
        /// The run's own page.
        let url: String
        let when, reporter: String
        let runID: String?
        let seconds: String
        let planned, built, skipped, failed: Int
        let anyFailed: Bool
        /// Shown only when some were cancelled.
        let cancelled: Int?
        let failures: [Failure]
        let hasFailures: Bool
    }

    struct Failure {
        let item, reason: String
        let log: String?
    }

    struct Search {
        let frame: Frame
        let results: [SearchResult]
        /// A query with words was asked (an empty one shows no "nothing found").
        let searched: Bool
        /// It matched too many projects to rank: the newest are shown.
        let broad: Bool
    }

    struct SearchResult {
        let project, index, version: String
        /// HTML: escaped text with the matched words in `<mark>`.
        let summary, snippet: String
    }
}
