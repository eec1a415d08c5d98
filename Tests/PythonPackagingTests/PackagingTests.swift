import PythonPackaging
import Testing

@Suite("Versions and specifiers")
struct VersionTests {
    @Test("canonical forms", arguments: [
        ("v1.0", "1.0"), ("1.0-1", "1.0.post1"), ("1.0.post", "1.0.post0"), ("1.1RC1", "1.1rc1"),
        ("1.0-DEV2", "1.0.dev2"), ("1.0+ubuntu-01", "1.0+ubuntu.1"), ("01!02.003", "1!2.3"),
        ("1.0alpha.2", "1.0a2"), ("1.0c3", "1.0rc3"), ("1.0preview", "1.0rc0"), ("\t1.0 \n", "1.0"),
        ("1.0_rev.4", "1.0.post4"), ("1.0a-", "1.0a0"),
    ])
    func canonical(input: String, expected: String) throws {
        #expect(try Version(input).description == expected)
    }

    @Test("invalid versions are typed errors that name the input", arguments: [
        "", "1.", ".1", "1..2", "1.0+", "1.0+a..b", "a1.0", "1.0-", "1.0.*", "1.0 .1", "1!", "1.0a1b1", "١.٠",
    ])
    func invalid(input: String) {
        #expect(throws: PackagingError.invalidVersion(input)) { try Version(input) }
        #expect(PackagingError.invalidVersion(input).description.contains("'\(input)'"))
    }

    @Test("a number past 64 bits is refused, not wrapped")
    func tooLarge() {
        #expect(throws: PackagingError.numberTooLarge("1.99999999999999999999")) { try Version("1.99999999999999999999") }
    }

    @Test("order, equality and hashing follow PEP 440")
    func order() throws {
        let ordered = try ["1.0.dev0", "1.0a1.dev1", "1.0a1", "1.0a1.post1", "1.0b1", "1.0rc1", "1.0", "1.0+abc", "1.0+abc.5",
                           "1.0+5", "1.0.post1.dev1", "1.0.post1", "1.0.1", "1.1.dev1", "1!0.1"].map { try Version($0) }
        #expect(ordered == ordered.shuffled().sorted())
        #expect(try Version("1.0") == Version("1.0.0"))
        #expect(try Set([Version("1.0"), Version("1.0.0"), Version("1")]).count == 1)
        #expect(try Version("1.0+ABC") == Version("1.0+abc"))
        #expect(try Version("1.0").isPrerelease == false && Version("1.0.dev1").isPrerelease && Version("1.0rc1").isPrerelease)
        #expect(try Version("2!1.2.3rc1.post2+x").baseVersion.description == "2!1.2.3")
        #expect(try Version("1.2.3rc1+x").publicVersion.description == "1.2.3rc1")
    }

    @Test("specifier membership, by operator")
    func membership() throws {
        func member(_ spec: String, _ version: String, prereleases: Bool? = nil) throws -> Bool {
            try SpecifierSet(spec).contains(Version(version), prereleases: prereleases)
        }
        #expect(try member("~=2.2", "2.9") && !member("~=2.2", "3.0") && !member("~=2.2.1", "2.3"))
        #expect(try member("==1.2.*", "1.2.9") && member("==1.2.*", "1.2") && !member("==1.2.*", "1.3"))
        #expect(try member("==1.0", "1.0+local") && !member("==1.0+a", "1.0+b"))
        #expect(try !member(">1.0", "1.0.post1") && member(">1.0.post1", "1.0.post2") && !member(">1.0", "1.0+x"))
        #expect(try !member("<2.0", "2.0a1") && member("<2.0a2", "2.0a1"))
        #expect(try member("===1.0", "1.0") && !member("===1.0", "1.0.0"))
        #expect(try member(">=1.0", "2.0a1") && !member(">=1.0", "2.0a1", prereleases: false))
        #expect(try member(">=1.0,!=1.5.*,<2", "1.4") && !member(">=1.0,!=1.5.*,<2", "1.5.1"))
        #expect(try member("", "3.0"))
    }

    @Test("filtering applies PEP 440's pre-release rule")
    func filtering() throws {
        let versions = try ["1.0", "1.1a1", "1.1", "2.0b1"].map { try Version($0) }
        #expect(try SpecifierSet(">=1.0").filter(versions).map(\.description) == ["1.0", "1.1"])
        #expect(try SpecifierSet(">=1.0").filter(versions, prereleases: true).count == 4)
        #expect(try SpecifierSet(">=2.0a1").filter(versions).map(\.description) == ["2.0b1"])
        #expect(try SpecifierSet(">=1.5").filter(versions).map(\.description) == ["2.0b1"])
        #expect(try Specifier("!=1.1a1").impliesPrereleases == false)
    }

    @Test("invalid specifiers say what the operator needs", arguments: [
        ("~=1", "at least two release numbers"), (">=1.0+local", "without a local label"), ("=>1.0", "expected an operator"),
        ("==", "expected a version"), ("<1.0.*", "without a local label or '.*'"), ("=== a b", "without spaces"),
        ("==1.0a1.*", "or a release followed by '.*'"),
    ])
    func invalidSpecifier(input: String, hint: String) {
        do {
            _ = try Specifier(input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.description.contains(hint), "\(error)")
            #expect(error.description.contains("'\(input)'"))
        }
    }
}

@Suite("Names, tags and filenames")
struct FilenameTests {
    @Test("PEP 503 names")
    func names() throws {
        #expect(ProjectName.normalize("Zope.Interface") == "zope-interface")
        #expect(ProjectName.normalize("a__b-.c") == "a-b-c")
        #expect(try ProjectName("Foo_Bar") == ProjectName("foo-bar"))
        #expect(try ProjectName("Foo_Bar").filenameComponent == "foo_bar")
        #expect(throws: PackagingError.invalidName("-foo")) { try ProjectName("-foo") }
    }

    @Test("compressed tag sets expand to every combination")
    func tagSets() throws {
        let set = try CompressedTagSet("py2.py3-none-any")
        #expect(set.tags.map(\.description).sorted() == ["py2-none-any", "py3-none-any"])
        #expect(set.isPure)
        let binary = try CompressedTagSet("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64")
        #expect(binary.tags.count == 2 && !binary.isPure)
        #expect(binary.replacingPlatforms(["linux_x86_64"]).description == "cp311-cp311-linux_x86_64")
        #expect(throws: PackagingError.self) { try CompressedTagSet("3py-none-any") }
    }

    @Test("wheel filenames parse, compose and round-trip")
    func wheels() throws {
        let name = "MarkupSafe-3.0.2-1-cp311-cp311-manylinux_2_17_x86_64.whl"
        let wheel = try WheelFilename(name)
        #expect(wheel.description == name)
        #expect(wheel.normalizedName == "markupsafe")
        #expect(wheel.buildTag == BuildTag(number: 1))
        let composed = WheelFilename(
            project: try ProjectName("Zope.Interface"), version: try Version("7.2"),
            buildTag: BuildTag(number: 2), tagSet: try CompressedTagSet("cp313-cp313-linux_x86_64")
        )
        #expect(composed.description == "zope_interface-7.2-2-cp313-cp313-linux_x86_64.whl")
        let retagged = composed.replacing(buildTag: .some(nil), tagSet: try CompressedTagSet("cp313-cp313-manylinux_2_17_x86_64"))
        #expect(retagged.description == "zope_interface-7.2-cp313-cp313-manylinux_2_17_x86_64.whl")
        #expect(try WheelFilename(retagged.description) == retagged)
    }

    @Test("build tags sort by their number, then the rest")
    func buildTags() throws {
        let tags = try ["10", "2", "2b", "1abc", "2a"].map { try BuildTag($0) }
        #expect(tags.sorted().map(\.description) == ["1abc", "2", "2a", "2b", "10"])
        #expect(throws: PackagingError.self) { try BuildTag("abc") }
    }

    @Test("sdist filenames: PEP 625 and legacy")
    func sdists() throws {
        let legacy = try SdistFilename("Zope.Interface-7.2.zip")
        #expect(legacy.normalizedName == "zope-interface" && legacy.format == .zip && !legacy.isPEP625)
        let modern = SdistFilename(project: try ProjectName("Zope.Interface"), version: try Version("7.2"))
        #expect(modern.description == "zope_interface-7.2.tar.gz" && modern.isPEP625)
        #expect(try SdistFilename("python-dateutil-2.9.0.post0.tar.gz").normalizedName == "python-dateutil")
        #expect(throws: PackagingError.self) { try SdistFilename("foo-1.0.tar.bz2") }
    }
}

@Suite("Core metadata")
struct CoreMetadataTests {
    static let sample = """
        Metadata-Version: 2.4
        Name: MarkupSafe
        Version: 3.0.2
        Summary: Safely add untrusted strings to HTML/XML markup.
        License-Expression: BSD-3-Clause
        Classifier: Programming Language :: Python
        Classifier: License :: OSI Approved :: BSD License
        Requires-Python: >=3.9
        Requires-Dist: typing-extensions; python_version < "3.10"
        Project-URL: Source, https://github.com/pallets/markupsafe/
        Description-Content-Type: text/markdown

        # MarkupSafe

        Implements a text object that escapes characters.

        """

    @Test("fields, repeated fields and the body")
    func parse() throws {
        let metadata = try CoreMetadata(parsing: Self.sample)
        #expect(metadata.name == "MarkupSafe")
        #expect(try metadata.version == Version("3.0.2"))
        #expect(metadata.classifiers.count == 2)
        #expect(metadata.requiresDist == ["typing-extensions; python_version < \"3.10\""])
        #expect(try metadata.requiresPython == SpecifierSet(">=3.9"))
        #expect(metadata.projectURLs.first?.label == "Source")
        #expect(metadata.projectURLs.first?.url == "https://github.com/pallets/markupsafe/")
        #expect(metadata.longDescription?.hasPrefix("# MarkupSafe\n") == true)
        #expect(metadata.licenseSummary == "BSD-3-Clause")
        #expect(metadata["summary"] == "Safely add untrusted strings to HTML/XML markup.")
    }

    @Test("rendering and parsing again gives the same value")
    func roundTrip() throws {
        let metadata = try CoreMetadata(parsing: Self.sample)
        #expect(try CoreMetadata(parsing: metadata.rendered()) == metadata)
        var edited = metadata
        edited.fields.append(.init("License", "line one\nline two"))
        #expect(try CoreMetadata(parsing: edited.rendered()) == edited)
    }

    @Test("continuation lines, CRLF and the legacy Description field")
    func legacy() throws {
        let text = "Metadata-Version: 1.1\r\nName: six\r\nVersion: 1.16.0\r\nLicense: MIT\r\nDescription: first\r\n        second\r\n       |third\r\nClassifier: License :: OSI Approved :: MIT License\r\n"
        let metadata = try CoreMetadata(parsing: text)
        #expect(metadata.longDescription == "first\nsecond\nthird")
        #expect(metadata.body == nil)
        #expect(metadata.licenseSummary == "MIT")
    }

    @Test("missing required fields and malformed lines are errors with a line number")
    func errors() {
        #expect(throws: PackagingError.invalidMetadata(line: 0, reason: "the required field 'Version' is missing")) {
            try CoreMetadata(parsing: "Metadata-Version: 2.1\nName: x\n")
        }
        #expect(throws: PackagingError.invalidMetadata(line: 3, reason: "expected 'Field-Name: value', got 'not a header'")) {
            try CoreMetadata(parsing: "Metadata-Version: 2.1\nName: x\nnot a header\n")
        }
        #expect(throws: PackagingError.invalidVersion("one")) {
            try CoreMetadata(parsing: "Metadata-Version: 2.1\nName: x\nVersion: one\n")
        }
    }
}

@Suite("Manylinux")
struct ManylinuxTests {
    @Test("tags and their legacy aliases", arguments: [
        ("manylinux1_x86_64", "manylinux_2_5_x86_64"), ("manylinux2010_i686", "manylinux_2_12_i686"),
        ("manylinux2014_aarch64", "manylinux_2_17_aarch64"), ("manylinux_2_28_x86_64", "manylinux_2_28_x86_64"),
    ])
    func tags(input: String, canonical: String) throws {
        let tag = try ManylinuxTag(input)
        #expect(tag.description == canonical)
        #expect(try ManylinuxTag(canonical) == tag)
    }

    @Test("malformed tags are refused", arguments: ["linux_x86_64", "manylinux_2_x86", "manylinux_2_17_", "manylinux3_x86_64"])
    func malformed(input: String) {
        #expect(throws: PackagingError.invalidPlatformTag(input)) { try ManylinuxTag(input) }
    }

    @Test("the policy facts: every manylinux_2_Y from 2_5 to the newest, oldest first")
    func policies() throws {
        let minors = ManylinuxPolicy.all.map(\.glibcMinor)
        #expect(minors.first == 5 && minors == minors.sorted() && minors.count >= 16)
        #expect(ManylinuxPolicy.all.first { $0.glibcMinor == 17 }?.legacyAlias == "manylinux2014")
        let policy2_17 = try #require(ManylinuxPolicy.all.first { $0.glibcMinor == 17 }?.ceilings["x86_64"])
        #expect(policy2_17.glibc == "2.17" && policy2_17.glibcxx == "3.4.19" && policy2_17.cxxabi == "1.3.7" && policy2_17.gcc == "4.8.0")
        #expect(ManylinuxPolicy.all.allSatisfy { $0.allowedLibraries.contains("libc.so.6") })
    }

    @Test("the oldest policy a set of ELF facts satisfies")
    func mostCompatible() {
        // markupsafe's extension on Debian 12: only GLIBC_2.2.5 and GLIBC_2.14 from libc.
        let markupsafe = ManylinuxPolicy.mostCompatible(
            architecture: "x86_64", neededLibraries: ["libc.so.6"], versionNames: ["GLIBC_2.2.5", "GLIBC_2.14"]
        )
        #expect(markupsafe?.tag(architecture: "x86_64").description == "manylinux_2_17_x86_64")
        let cxx = ManylinuxPolicy.mostCompatible(
            architecture: "x86_64", neededLibraries: ["libstdc++.so.6", "libc.so.6"],
            versionNames: ["GLIBC_2.34", "GLIBCXX_3.4.30", "CXXABI_1.3.13"]
        )
        #expect(cxx?.glibcMinor == 35)
        #expect(ManylinuxPolicy.mostCompatible(architecture: "x86_64", neededLibraries: ["libyaml-0.so.2"], versionNames: []) == nil)
        #expect(ManylinuxPolicy.mostCompatible(architecture: "x86_64", neededLibraries: [], versionNames: ["GLIBC_9.0"]) == nil)
    }
}

@Suite("Sorting versions")
struct SortingTests {
    /// `sorted()` on versions packs each into a 64-bit prefix; it must agree, element for
    /// element, with the plain stable sort by `<`, including where the packing saturates.
    @Test("the packed-prefix sort agrees with the comparison sort, ties in input order")
    func packedSortAgrees() throws {
        var generator = InputGenerator(seed: 600)
        var versions = (0..<20_000).compactMap { _ in try? Version(generator.version()) }
        versions += try [
            "4096", "4095", "4094", "1.2048", "1.2047", "1.0.2047", "1.0.2048", "1.0.0.255", "1.0.0.256",
            "1.0.0.0.1", "1.0.0.0.0", "1.0.0.0", "3!1.0", "4!1.0", "1.0a15", "1.0a16", "1.0.post15", "1.0.post16",
            "1.0.dev31", "1.0.dev32", "1.0+a", "1.0+b", "1.0+1", "1.0", "1.0.0", "1", "18446744073709551615",
            "1.0a1.post1.dev1+x", "1.0a1.post1.dev1",
        ].map { try Version($0) }
        versions.shuffle(using: &generator.random)
        let expected = versions.sorted(by: <)
        let packed = versions.sorted()
        let firstDifference = packed.indices.first { packed[$0].description != expected[$0].description }
        #expect(firstDifference == nil, "first difference at \(firstDifference ?? 0): \(packed[firstDifference ?? 0]) vs \(expected[firstDifference ?? 0])")
        #expect(packed.count == expected.count)
    }
}

@Suite("Build system")
struct BuildSystemTests {
    @Test("[build-system] from pyproject.toml, comments and multi-line arrays included")
    func reads() throws {
        let text = """
            [project]
            name = "x"
            requires = ["not-this"]

            [build-system]   # the backend
            requires = [
                "setuptools>=64",  # new enough
                'setuptools_scm[toml]>=8',
                "wheel; python_version<'3.12'",
            ]
            build-backend = "setuptools.build_meta"

            [tool.other]
            requires = ["nor-this"]
            """
        let system = try BuildSystem(pyproject: text)
        #expect(system.requires.map(\.description) == ["setuptools>=64", "setuptools_scm[toml]>=8", "wheel; python_version < \"3.12\""])
        #expect(system.backend == "setuptools.build_meta")
        #expect(!system.isLegacyDefault)
    }

    @Test("no pyproject.toml, or none of [build-system], means PEP 517's default")
    func defaults() throws {
        #expect(try BuildSystem(pyproject: nil) == .legacyDefault)
        #expect(try BuildSystem(pyproject: "[project]\nname = \"x\"\n") == .legacyDefault)
        #expect(try BuildSystem(pyproject: "build-system.requires = [\"flit_core>=3.2\"]\n").requires.map(\.description) == ["flit_core>=3.2"])
        #expect(throws: PackagingError.self) { try BuildSystem(pyproject: "[build-system]\nrequires = [1, 2]\n") }
    }

    @Test("an array spread over 300,000 lines is read in one pass (each line scanned once, not the whole value again)")
    func longArray() throws {
        let text = "[build-system]\nrequires = [\n" + String(repeating: "\n", count: 300_000) + "\"setuptools\", # ] not the end\n]\n"
        #expect(try BuildSystem(pyproject: text).requires.map(\.description) == ["setuptools"])
    }

    /// What an sdist could slip to the host's pip as a build requirement (issue 28).
    static let hostileRequirements = [
        "--no-deps", "--index-url=http://127.0.0.1:1/", "-i http://127.0.0.1:1/", "--extra-index-url", "-r requirements.txt",
        "--no-binary=:all:", "-e .", "evilpkg --index-url=http://127.0.0.1:1/", "evilpkg @ https://example.invalid/evil.tar.gz",
        "evilpkg@file:///tmp/evil.tar.gz", "/tmp/evilpkg-1.0.tar.gz", "./evilpkg", "../evilpkg", "file:///tmp/evil.tar.gz",
        "https://example.invalid/evil.whl", "evilpkg; python_version > '3' --no-deps", "evilpkg\n--index-url=x", "", " ",
        "evilpkg --hash=sha256:00", String(repeating: "a", count: 20_000),
    ]

    @Test("a build requirement that is not a plain PEP 508 requirement is refused as hostile input", arguments: hostileRequirements)
    func hostileBuildRequirement(text: String) throws {
        #expect {
            try IndexRequirement(text)
        } throws: { error in
            guard let error = error as? PackagingError, case .refusedBuildRequirement = error else { return false }
            return error.description.hasPrefix("hostile input: the build requirement '") && !error.description.contains("\n")
                && error.description.count < 1_000
        }
        #expect(throws: PackagingError.self) {
            try BuildSystem(pyproject: "[build-system]\nrequires = [\"setuptools\", \(String(reflecting: text))]\n")
        }
    }

    @Test("plain requirements pass, in packaging's form: what pip gets after --", arguments: [
        ("setuptools>=61", "setuptools>=61"), ("Cython >= 3.0, < 4", "Cython<4,>=3.0"),
        ("cffi>=1.0; platform_python_implementation != 'PyPy'", "cffi>=1.0; platform_python_implementation != \"PyPy\""),
        ("setuptools_scm[toml]>=8", "setuptools_scm[toml]>=8"),
    ])
    func plainBuildRequirement(text: String, form: String) throws {
        #expect(try IndexRequirement(text).description == form)
    }
}

@Suite("Distribution identity")
struct DistributionIdentityTests {
    @Test("spellings of one file share an identity; other builds, tags and versions do not")
    func identity() throws {
        let base = DistributionIdentity(wheel: try WheelFilename("foo_bar-1.0-py2.py3-none-any.whl"))
        for same in ["Foo_Bar-1.0-py2.py3-none-any.whl", "foo.bar-1.0.0-py2.py3-none-any.whl", "FOO_BAR-1-py3.py2-none-any.whl"] {
            #expect(DistributionIdentity(wheel: try WheelFilename(same)) == base, "\(same)")
        }
        for other in ["foo_bar-1.0-1-py2.py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl", "foo_bar-1.0.1-py2.py3-none-any.whl", "foo_bar-1.0.post0-py2.py3-none-any.whl"] {
            #expect(DistributionIdentity(wheel: try WheelFilename(other)) != base, "\(other)")
        }
        #expect(DistributionIdentity(sdist: try SdistFilename("Foo.Bar-1.0.0.tar.gz")) == DistributionIdentity(sdist: try SdistFilename("foo_bar-1.zip")))
        #expect(base.description == "wheel foo-bar 1 - py2-none-any,py3-none-any")
    }

    @Test("the canonical filename: PEP 440 version, lower-case tags once each, tag order kept")
    func canonical() throws {
        #expect(try WheelFilename("foo-01.0-py3-none-ANY.whl").canonicalFilename == "foo-1.0-py3-none-any.whl")
        #expect(try WheelFilename("foo-1.0-py3.py3-none-any.whl").canonicalFilename == "foo-1.0-py3-none-any.whl")
        let auditwheel = "numpy-2.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
        #expect(try WheelFilename(auditwheel).canonicalFilename == auditwheel)
        #expect(try WheelFilename("foo-1.0-py3-none-linux_x86_64<b>.whl").invalidTagMember == "linux_x86_64<b>")
        #expect(try SdistFilename("foo-v1.0.tar.gz").canonicalFilename == "foo-1.0.tar.gz")
    }
}
