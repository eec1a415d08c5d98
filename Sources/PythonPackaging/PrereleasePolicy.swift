/// PEP 440's pre-release rule for a list of candidates.
enum PrereleasePolicy {
    /// `true`: every match; `false`: final releases only; `nil`: the final releases that match,
    /// or, when none does, the pre-releases that match.
    static func filter(
        _ versions: some Sequence<Version>,
        prereleases: Bool?,
        where matches: (Version) -> Bool
    ) -> [Version] {
        var finals: [Version] = []
        var prereleaseMatches: [Version] = []
        for version in versions where matches(version) {
            if !version.isPrerelease {
                finals.append(version)
            } else if prereleases == true {
                finals.append(version)
            } else if prereleases == nil && finals.isEmpty {
                prereleaseMatches.append(version)
            }
        }
        if prereleases == nil && finals.isEmpty {
            return prereleaseMatches
        }
        return finals
    }
}
