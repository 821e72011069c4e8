#!/usr/bin/env bash
# Stops the etcd and kube-apiserver that up.sh started in STATE_DIR and removes STATE_DIR.
# Usage: down.sh STATE_DIR   (or the path of its env file)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
W=${1:?usage: down.sh STATE_DIR}
[ -f "$W" ] && W=$(dirname "$W")
[ -d "$W" ] || { echo "kube-local: $W does not exist" >&2; exit 0; }
# Refuse anything that does not look like an up.sh state directory.
[ -f "$W/tokens.csv" ] || [ -f "$W/etcd.pid" ] || { echo "kube-local: $W is not a kube-local state dir" >&2; exit 1; }
stop_pidfile "$W/apiserver.pid" kube-apiserver
stop_pidfile "$W/etcd.pid" etcd
rm -rf "$W"
echo "kube-local: stopped, removed $W" >&2
