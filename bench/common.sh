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
