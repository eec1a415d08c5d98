# Shared by the benchmark scripts (sourced after they set $python).
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }

# The peers (devpi-server, devpi-client, pypiserver, twine) in their own venv, bench/out/peers,
# installed once; PIP_FIND_LINKS (set on this machine) is kept from the peers' pip and from pip
# runs that follow.
peers=bench/out/peers
install_peers() {
  if [ ! -x "$peers/bin/devpi-server" ]; then
    /usr/bin/python3 -m venv "$peers"
    PIP_FIND_LINKS= "$peers/bin/pip" install --quiet --disable-pip-version-check \
      devpi-server==6.20.3 devpi-client==7.3.0 pypiserver==2.4.2 twine==6.0.1
  fi
  unset PIP_FIND_LINKS
}

# wheelwright ($wheelwright, with bench/stage owned by bench:benchpw) and devpi-server (root/bench,
# non-volatile; root:benchpw) in $out on ports $1 and $2; sets ww_pid and dv_pid (also in pids)
# and returns once both answer.
start_wheelwright_and_devpi() {
  WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/wheelwright" --port "$1" >"$out/wheelwright.log" 2>&1 &
  ww_pid=$!; pids+=("$ww_pid")
  "$peers/bin/devpi-init" --serverdir "$out/devpi" --no-root-pypi --root-passwd benchpw >"$out/devpi-init.log" 2>&1
  "$peers/bin/devpi-server" --serverdir "$out/devpi" --host 127.0.0.1 --port "$2" >"$out/devpi.log" 2>&1 &
  dv_pid=$!; pids+=("$dv_pid")
  wait_for "http://127.0.0.1:$1/+health"; wait_for "http://127.0.0.1:$2/+api"
  echo benchpw | WHEELWRIGHT_PASSWORD=benchpw $wheelwright user add bench --server "http://127.0.0.1:$1" --user root >/dev/null
  WHEELWRIGHT_PASSWORD=benchpw $wheelwright index create bench/stage --server "http://127.0.0.1:$1" --user bench >/dev/null
  "$peers/bin/devpi" use --clientdir "$out/devpi-client" "http://127.0.0.1:$2" >/dev/null
  "$peers/bin/devpi" login --clientdir "$out/devpi-client" root --password benchpw >/dev/null
  "$peers/bin/devpi" index --clientdir "$out/devpi-client" -c root/bench volatile=False bases= >/dev/null
}

# nginx in FOLDER on 127.0.0.1:LISTEN over the replicas on PORTS (plain HTTP, the upstream
# settings of deploy/nginx-wheelwright-replicas.conf: least_conn, keep-alive, a failed or
# 502/503/504 answer retried on another replica); (re)starts it, sets nginx_pid (also in pids).
nginx_over() { # folder listen port...
  local here listen servers=""
  here="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; listen=$2; shift 2
  for port in "$@"; do servers+="server 127.0.0.1:$port max_fails=1 fail_timeout=5s; "; done
  mkdir -p "$here"
  cat >"$here/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $here/nginx.pid; error_log $here/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $here/body; proxy_temp_path $here/proxy; fastcgi_temp_path $here/fastcgi;
  uwsgi_temp_path $here/uwsgi; scgi_temp_path $here/scgi;
  upstream wheelwright { least_conn; $servers keepalive 32; }
  server {
    listen 127.0.0.1:$listen;
    location / {
      proxy_pass http://wheelwright; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host;
      proxy_buffering off; proxy_connect_timeout 5s;
      proxy_next_upstream error timeout http_502 http_503 http_504; proxy_next_upstream_tries 3; proxy_next_upstream_timeout 15s;
    }
  }
}
CONF
  [ -n "${nginx_pid:-}" ] && { kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; }
  /usr/sbin/nginx -c "$here/nginx.conf" -p "$here" &
  nginx_pid=$!; pids+=("$nginx_pid")
  wait_for "http://127.0.0.1:$listen/+health"
}

# A throwaway PostgreSQL 15 cluster in FOLDER (as the tests start one: initdb, pg_ctl, a free
# port, trust authentication on 127.0.0.1) with the databases named; sets pg_port. `catalog DB`
# is a database's URL for `serve --catalog`.
pgbin=/usr/lib/postgresql/15/bin
start_postgres() { # folder database...
  local folder=$1; shift
  echo "== PostgreSQL 15 in $folder (as the tests start it: initdb, pg_ctl, a free port)"
  mkdir -p "$folder" && chown postgres: "$folder"
  pg_port=$(free_port)
  runuser -u postgres -- "$pgbin/initdb" -D "$folder/data" -A trust -U postgres -E UTF8 >"$folder/initdb.log"
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w start \
    -o "-p $pg_port -k $folder -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
  for db in "$@"; do runuser -u postgres -- "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db"; done
}
stop_postgres() { # folder
  [ -d "$1/data" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || true
}
catalog() { echo "postgresql://postgres@127.0.0.1:$pg_port/$1"; }
# SIGNAL to the cluster in FOLDER: its postmaster and children, never another cluster's. STOP
# stops the postmaster first (so that it forks no running child after the children stopped),
# CONT the children first (so that the postmaster finds them running).
postgres_signal() { # folder signal
  local postmaster
  postmaster=$(head -1 "$1/data/postmaster.pid" 2>/dev/null) || return 0
  [ "$2" = STOP ] || pkill "-$2" -P "$postmaster" 2>/dev/null || true
  kill "-$2" "$postmaster" 2>/dev/null || true
  [ "$2" != STOP ] || pkill "-$2" -P "$postmaster" 2>/dev/null || true
}
