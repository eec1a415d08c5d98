#!/usr/bin/env bash
# Search benchmark (`make bench-search`): an index of 100,000 projects (PROJECTS=N), each with a
# summary, keywords and a 300-word description (Zipf over 20,000 words), seeded through the
# catalog as uploads store them;
# then full-text queries timed in the catalog (median of 21 each), and the search page through the
# release server: its first fetch (the query run and the page rendered) for 30 distinct queries,
# and a cached fetch. Beside it, the same index answering the name-only search the server had
# before (a LIKE over file names, as `/+search` did), timed in SQLite directly. Then the same
# seed and catalog queries on PostgreSQL 15 (a cluster of its own, as the tests start it; PG=0
# skips it), timed after a VACUUM ANALYZE. Goal: a query over 100,000 projects under 20 ms. Results: bench/out/search/results.json
# and postgresql.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/search
rm -rf "$out" && mkdir -p "$out"
projects=${PROJECTS:-100000}
python=/usr/bin/python3
# From common to rare (the seeded text puts "parser" in about a sixth of the descriptions), two
# words, no match, an exact name, and "seeded" (every project's name: the worst case).
queries=(parser json "http client" "yaml parser" numeric "machine learning" process zzz seeded-project-4242 seeded)
.build/release/wheelwright-bench seed-search "$out/data" bulk/many "$projects" "${queries[@]}" >"$out/catalog.json"
port=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WHEELWRIGHT_ROOT_PASSWORD=bench .build/release/wheelwright serve --data "$out/data" --port "$port" >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/+health" && break; sleep 0.1; done
$python - "$port" "$out" "$projects" <<'PY'
import json, sqlite3, statistics, subprocess, sys, time
port, out, projects = sys.argv[1], sys.argv[2], int(sys.argv[3])
catalog = json.load(open(f"{out}/catalog.json"))
def fetch(path):
    seconds = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", "Accept: text/html",
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    return float(seconds) * 1000
words = ["parser", "yaml", "json", "http", "client", "server", "async", "fast", "library", "database", "driver", "image", "numeric",
         "array", "testing", "plugin", "framework", "web", "crypto", "hash", "compression", "archive", "logging", "config", "schema",
         "validation", "cli", "terminal", "color", "date"]
first = [fetch(f"/+search?q={word}+{words[(i * 7 + 3) % len(words)]}") for i, word in enumerate(words)]
cached = [fetch("/+search?q=parser") for _ in range(21)][1:]
# The peer: the name-only search the server had before, a LIKE over the files' names.
db = sqlite3.connect(f"{out}/data/catalog.sqlite")
like = []
for word in words[:10]:
    began = time.perf_counter()
    db.execute("SELECT DISTINCT project, indexPath FROM file WHERE project LIKE ? ESCAPE '\\' ORDER BY project, indexPath LIMIT 500", (f"%{word}%",)).fetchall()
    like.append((time.perf_counter() - began) * 1000)
results = {
    "projects": projects, "seed_seconds": catalog["seed_seconds"], "catalog_queries": catalog["queries"],
    "page_first_fetch_median_ms": round(statistics.median(first), 2), "page_first_fetch_max_ms": round(max(first), 2),
    "page_cached_median_ms": round(statistics.median(cached), 2),
    "name_only_like_median_ms": round(statistics.median(like), 2),
}
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print(f"  {projects} projects seeded in {catalog['seed_seconds']} s")
for query in catalog["queries"]:
    print(f"  catalog  {query['query']!r:28} {query['hits']:4} hits  median {query['median_ms']:7.2f} ms  max {query['max_ms']:7.2f} ms")
print(f"  page, first fetch (query + render), 30 queries: median {results['page_first_fetch_median_ms']} ms, max {results['page_first_fetch_max_ms']} ms")
print(f"  page, cached: median {results['page_cached_median_ms']} ms")
print(f"  peer: the former name-only LIKE search, in SQLite: median {results['name_only_like_median_ms']} ms")
PY
kill $pid 2>/dev/null || true
[ "${PG:-1}" = 0 ] && exit 0

pgbin=/usr/lib/postgresql/15/bin
pg="$(pwd)/$out/pg"
mkdir -p "$pg" && chown postgres: "$pg"
pg_port=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pgbin/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 >"$out/initdb.log"
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w start -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1" >/dev/null
trap 'kill $pid 2>/dev/null || true; runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1 || true' EXIT
runuser -u postgres -- "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres search
# Seeded, then vacuumed and analyzed before the queries are timed: an index that grew over months
# is not in the middle of autovacuum's first pass over 100,000 new rows (measured while it was:
# up to twice the times).
export WHEELWRIGHT_BENCH_CATALOG="postgresql://postgres@127.0.0.1:$pg_port/search"
.build/release/wheelwright-bench seed-search "$out/pg-data" bulk/many "$projects" zzz >"$out/postgresql-seed.json"
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres search -c "VACUUM ANALYZE"
.build/release/wheelwright-bench seed-search "$out/pg-data" bulk/many 0 "${queries[@]}" >"$out/postgresql.json"
$python - "$out/postgresql-seed.json" "$out/postgresql.json" <<'PY'
import json, sys
seed, catalog = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"  PostgreSQL: {seed['projects']} projects seeded in {seed['seed_seconds']} s, then VACUUM ANALYZE")
for query in catalog["queries"]:
    print(f"  catalog  {query['query']!r:28} {query['hits']:4} hits  median {query['median_ms']:7.2f} ms  max {query['max_ms']:7.2f} ms")
PY
