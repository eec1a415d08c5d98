#!/usr/bin/env bash
# `make run`: the main job on the embedded defaults. Starts the index in the background (unless
# one answers already), prepares debian-12, builds whitelists/example.yaml for it from PyPI, then
# installs every package with pip from platform/debian-12 inside the debian-12 rootfs (which has
# none of the -dev packages the builds needed) and imports it, pyyaml's C loader included.
set -euo pipefail
cd "$(dirname "$0")/.."
wheelwright=${WHEELWRIGHT:-.build/debug/wheelwright}
data=${WHEELWRIGHT_DATA:-$HOME/.local/share/wheelwright}
port=${WHEELWRIGHT_PORT:-4040}
server=http://127.0.0.1:$port
mkdir -p "$data"
# The root password of this data directory, made once.
password_file=$data/root-password
[ -s "$password_file" ] || (umask 077; head -c 18 /dev/urandom | base64 > "$password_file")

if curl -fs -o /dev/null "$server/+health"; then
  echo "== the index already answers on $server"
else
  echo "== starting the index on $server (data: $data/index, log: $data/serve.log)"
  WHEELWRIGHT_ROOT_PASSWORD=$(cat "$password_file") nohup "$wheelwright" serve --data "$data/index" --port "$port" >"$data/serve.log" 2>&1 &
  echo $! >"$data/serve.pid"
  for _ in $(seq 100); do curl -fs -o /dev/null "$server/+health" && break; sleep 0.1; done
fi

status=0
echo "== preparing debian-12 (once per recipe: about a minute the first time)"
"$wheelwright" runner prepare debian-12 --data "$data"

echo "== checking that whitelists/example.yaml holds what its packages require (from PyPI)"
"$wheelwright" whitelist lint --deps whitelists/example.yaml || status=1

echo "== building whitelists/example.yaml for debian-12"
report=$data/make-run-junit.xml
"$wheelwright" build whitelists/example.yaml --target debian-12 --server "$server" --user root --password-file "$password_file" \
  --data "$data" --junit "$report" || status=$?

echo "== installing from platform/debian-12 inside the debian-12 rootfs, importing each"
rootfs=$("$wheelwright" runner list --json --data "$data" | python3 -c '
import json, sys
print(next(r["path"] for r in json.load(sys.stdin) if r["target"] == "debian-12" and not r["system_packages"] and r["prepared"]))')
tools/try-index.sh "$rootfs" "$server/platform/debian-12/+simple/" \
  idna=idna markupsafe=markupsafe msgpack=msgpack pyyaml=yaml._yaml simplejson=simplejson six=six tomli=tomli || status=1

cat <<DONE

index:   $server/platform/debian-12/+simple/   (pip install -i … ; browse $server/)
report:  $report
root:    password in $password_file
stop:    kill \$(cat $data/serve.pid)   (the index keeps running until then)
DONE
exit $status
