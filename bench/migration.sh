#!/usr/bin/env bash
# The migration benchmark (`make bench-migration`): a devpi-export dump of FILES small wheels,
# imported by devpi-import (into a fresh devpi-server directory) and by wheelwright import-devpi
# (into a fresh data directory), one after the other in one run, on the same dump.
#
# The dump is devpi's own: a devpi-server is seeded from the corpus (devpi-import of a dump that
# bench/devpi_dump.py writes), then devpi-export writes the dump both sides import.
# Environment: PROJECTS (200) x VERSIONS (10) wheels; ROUNDS (3) of each import, best kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/migration
rm -rf "$out" && mkdir -p "$out"
projects=${PROJECTS:-200}
versions=${VERSIONS:-10}
rounds=${ROUNDS:-3}
python=.venv/bin/python
wheelwright=.build/release/wheelwright

echo "== corpus: $projects projects x $versions versions"
$python bench/corpus.py "$out/corpus" "$projects" "$versions" >/dev/null
$python bench/devpi_dump.py "$out/corpus" "$out/seed" bench/prod >/dev/null
.venv/bin/devpi-import --serverdir "$out/seeded" --no-root-pypi "$out/seed" >"$out/seed.log" 2>&1
.venv/bin/devpi-export --serverdir "$out/seeded" "$out/dump" >"$out/export.log" 2>&1
files=$(find "$out/dump" -name '*.whl' | wc -l)
echo "== the dump devpi-export wrote: $files files, $(du -sh "$out/dump" | cut -f1)"

seconds() { # log command... -> wall seconds
  local start end log=$1
  shift
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1
  end=$(date +%s.%N)
  $python -c "print(f'{$end - $start:.2f}')"
}
best() { $python -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
dv=(); ww=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$out/devpi" "$out/wheelwright"
  dv+=("$(seconds "$out/devpi-import.log" .venv/bin/devpi-import --serverdir "$out/devpi" --no-root-pypi "$out/dump")")
  ww+=("$(seconds "$out/import-devpi.log" $wheelwright import-devpi "$out/dump" --data "$out/wheelwright")")
  echo "  round $round: devpi-import ${dv[-1]} s, wheelwright import-devpi ${ww[-1]} s"
done
tail -1 "$out/import-devpi.log"
stored=$(grep -o 'files: [0-9]* stored' "$out/import-devpi.log" | grep -o '[0-9]*')
[ "$stored" = "$files" ] || { echo "wheelwright stored $stored of $files files" >&2; exit 1; }
dv_best=$(best "${dv[@]}"); ww_best=$(best "${ww[@]}")
$python - "$files" "$dv_best" "$ww_best" <<'PY' | tee "$out/summary.txt"
import sys
files, devpi, ours = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"import of a {files}-file devpi-export dump (best of the rounds, wall time, process start included)")
print(f"  devpi-import 6.20.3:        {devpi:6.2f} s  {files / devpi:7.0f} files/s")
print(f"  wheelwright import-devpi:   {ours:6.2f} s  {files / ours:7.0f} files/s")
print(f"  ratio (wheelwright / devpi, time): {ours / devpi:.2f}x; files/s: {devpi / ours:.1f}x devpi's")
PY
