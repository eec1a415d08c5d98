#!/usr/bin/env bash
# Installs packages with pip from an index inside a target's root filesystem and imports each:
# what a consumer on that OS would do. The sandbox shares the host's network (to reach the index),
# nothing else: the rootfs is read-only and the install goes to a private /tmp.
#   tools/try-index.sh ROOTFS INDEX_URL PACKAGE=MODULE...   (=MODULE: import only, e.g. a dependency pip must find)
set -euo pipefail
rootfs=$1 index=$2; shift 2
packages="" modules=""
for pair in "$@"; do [ -n "${pair%%=*}" ] && packages+=" ${pair%%=*}"; modules+=" ${pair#*=}"; done
check='
import importlib, sys
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    where = getattr(module, "__version__", "") or module.__file__
    print(f"  import {name}: ok ({where})")
'
bwrap --ro-bind "$rootfs" / --dev /dev --proc /proc --tmpfs /tmp --tmpfs /run --ro-bind /etc/resolv.conf /etc/resolv.conf \
  --unshare-all --share-net --die-with-parent --new-session --clearenv --setenv HOME /tmp \
  --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv PIP_ROOT_USER_ACTION ignore --chdir /tmp -- /bin/sh -c '
    python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --target /tmp/site --index-url "$1" $2 &&
    PYTHONPATH=/tmp/site python3 -W ignore -c "$3" $4' try "$index" "$packages" "$check" "$modules"
