/// What each page's template reads, typed: the mustache library finds these properties by
/// reflection. An optional that is nil (or a false Bool) is a section not shown; every value
/// is escaped by the templates.
enum PageContext {
    /// What the header and footer of every page read.
    struct Frame {
        let title: String
        /// The search box's text; nil shows it empty (and no "Search: …" heading).
        var query: String? = nil
        let version = WebPages.version
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
        let path: String
        let bases: String
        let volatile: Bool
        let projects: Int
        let files: Int
        let last: String
    }

    struct Index {
        let frame: Frame
        let path: String
        let filter: String
        let filtering: Bool
        let total: Int
        let page: Int
        let pages: Int
        let bases: String
        /// The simple API's URL as clients reach it (`--outside-url`).
        let simple: String
        let projects: [ProjectRow]
        let previous: String?
        let next: String?
    }

    struct ProjectRow {
        let name: String
        let path: String
        let newest: String
        let files: Int
        let last: String
    }

    struct Project {
        let frame: Frame
        let name: String
        let path: String
        let summary: String
        let versions: [VersionGroup]
    }

    struct VersionGroup {
        let version: String
        let files: [FileRow]
    }

    struct FileRow {
        let filename: String
        let url: String
        let size: String
        let kind: String
        let python: String
        let platform: String
        let target: String
        let uploaded: String
        let uploader: String
        let sha256: String
        let shortSHA: String
        let yanked: Bool
        /// The yank's reason, when one was given.
        let reason: String?
        /// The build log's URL, when the file has one.
        let log: String?
        let provenance: [Field]
        let hasProvenance: Bool
    }

    struct Field {
        let key: String
        let value: String
    }

    struct Builds {
        let frame: Frame
        let runs: [Run]
    }

    struct Run {
        let id: Int64
        let when: String
        let reporter: String
        let runID: String?
        let seconds: String
        let planned: Int
        let built: Int
        let skipped: Int
        let failed: Int
        let anyFailed: Bool
        /// Shown only when some were cancelled.
        let cancelled: Int?
        let failures: [Failure]
        let hasFailures: Bool
    }

    struct Failure {
        let item: String
        let reason: String
        let log: String?
    }

    struct Search {
        let frame: Frame
        let results: [SearchResult]
    }

    struct SearchResult {
        let project: String
        let index: String
    }
}
