#!/usr/bin/env bash
# Starts a real Kubernetes API server (v1.20.2, built by install.sh) with its own etcd, on random free
# loopback ports, in a fresh state directory. Authentication is a static token file with random tokens;
# authorization is RBAC; the insecure port is off, so every request goes through authn and RBAC.
#
# Usage: up.sh [STATE_DIR]     (default: a new mktemp directory)
#
# Writes into STATE_DIR:
#   env                   sourceable KEY=value lines (mode 600):
#                           KUBE_LOCAL_DIR, KUBE_LOCAL_SERVER (https://127.0.0.1:PORT), KUBE_LOCAL_CA (PEM file),
#                           KUBE_LOCAL_ADMIN_TOKEN (group system:masters), KUBE_LOCAL_WFEB_TOKEN (user
#                           wfeb-controller, group wfeb-controllers, no roles until a test binds some),
#                           KUBE_LOCAL_NOBODY_TOKEN (user nobody, no roles), KUBE_LOCAL_KUBECONFIG (admin),
#                           KUBE_LOCAL_KUBECTL, KUBE_LOCAL_ETCD_PORT, KUBE_LOCAL_API_PORT
#   kubeconfig-admin, kubeconfig-wfeb, kubeconfig-nobody   one kubeconfig per token
#   apiserver.log, etcd.log, *.pid
# Prints the non-secret values (KEY=value) on stdout; tokens are only in the files.
# Stop with: down.sh STATE_DIR
#
# Environment: PREFIX / KUBE_LOCAL_BIN (where install.sh put the binaries), READY_TIMEOUT (seconds,
# default 180: startup takes 4-5 s on an idle machine and up to minutes when both cores are busy).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
BIN=$KUBE_LOCAL_BIN
READY_TIMEOUT=${READY_TIMEOUT:-180}
for b in kube-apiserver kubectl; do
  [ -x "$BIN/$b" ] || { echo "kube-local: $BIN/$b missing; run scripts/kube-local/install.sh" >&2; exit 1; }
done
command -v etcd >/dev/null || { echo "kube-local: etcd missing; run scripts/kube-local/install.sh" >&2; exit 1; }

W=${1:-$(mktemp -d "${TMPDIR:-/tmp}/kube-local.XXXXXX")}
mkdir -p "$W/certs"
W=$(cd "$W" && pwd)
umask 077
start=$(date +%s%N)

fail() {
  echo "kube-local: $*" >&2
  for f in apiserver etcd; do
    if [ -f "$W/$f.log" ]; then echo "--- last lines of $W/$f.log" >&2; tail -n 20 "$W/$f.log" >&2; fi
  done
  stop_pidfile "$W/apiserver.pid" kube-apiserver
  stop_pidfile "$W/etcd.pid" etcd
  rm -rf "$W/etcd"
  echo "kube-local: logs kept in $W" >&2
  exit 1
}

openssl genrsa -out "$W/sa.key" 2048 2>/dev/null
openssl rsa -in "$W/sa.key" -pubout -out "$W/sa.pub" 2>/dev/null
tok() { openssl rand -hex 24; }
ADMIN_TOKEN=$(tok); WFEB_TOKEN=$(tok); NOBODY_TOKEN=$(tok)
cat > "$W/tokens.csv" <<TOK
$ADMIN_TOKEN,admin,uid-admin,"system:masters"
$WFEB_TOKEN,wfeb-controller,uid-wfeb,"wfeb-controllers"
$NOBODY_TOKEN,nobody,uid-nobody
TOK

# etcd, retried on new ports if the chosen ones were taken meanwhile.
for attempt in 1 2 3 4 5; do
  ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port)
  rm -rf "$W/etcd"; mkdir -p "$W/etcd"
  etcd --name local --data-dir "$W/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --log-level warn > "$W/etcd.log" 2>&1 &
  echo $! > "$W/etcd.pid"
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until curl -sf "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1; do
    alive "$W/etcd.pid" || break
    [ "$(date +%s)" -lt "$deadline" ] || fail "etcd not healthy after ${READY_TIMEOUT}s"
    sleep 0.2
  done
  alive "$W/etcd.pid" && break
  echo "kube-local: etcd exited (attempt $attempt), retrying on other ports" >&2
  [ "$attempt" -lt 5 ] || fail "etcd did not start"
done

# kube-apiserver, retried on a new port if it exits before it is ready.
for attempt in 1 2 3 4 5; do
  API_PORT=$(free_port)
  "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" --insecure-port 0 \
    --cert-dir "$W/certs" \
    --token-auth-file "$W/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$W/sa.pub" --service-account-signing-key-file "$W/sa.key" \
    --api-audiences https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/24 \
    --enable-priority-and-fairness=false --profiling=false --endpoint-reconciler-type none \
    --audit-log-path "$W/audit.log" --audit-policy-file "$HERE/audit-policy.yaml" \
    --v 1 > "$W/apiserver.log" 2>&1 &
  echo $! > "$W/apiserver.pid"
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until curl -skf "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; do
    alive "$W/apiserver.pid" || break
    [ "$(date +%s)" -lt "$deadline" ] || fail "kube-apiserver not ready after ${READY_TIMEOUT}s"
    sleep 0.2
  done
  alive "$W/apiserver.pid" && break
  echo "kube-local: kube-apiserver exited (attempt $attempt), retrying on another port" >&2
  [ "$attempt" -lt 5 ] || fail "kube-apiserver did not start"
done

SERVER="https://127.0.0.1:$API_PORT"
CA="$W/certs/apiserver.crt"
for who in "admin:$ADMIN_TOKEN" "wfeb:$WFEB_TOKEN" "nobody:$NOBODY_TOKEN"; do
  n=${who%%:*}; t=${who#*:}
  cat > "$W/kubeconfig-$n" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$SERVER", certificate-authority: "$CA"}
contexts:
- name: $n
  context: {cluster: local, user: $n}
current-context: $n
users:
- name: $n
  user: {token: $t}
KC
done
cat > "$W/env" <<ENV
KUBE_LOCAL_DIR=$W
KUBE_LOCAL_SERVER=$SERVER
KUBE_LOCAL_CA=$CA
KUBE_LOCAL_KUBECONFIG=$W/kubeconfig-admin
KUBE_LOCAL_KUBECTL=$BIN/kubectl
KUBE_LOCAL_AUDIT_LOG=$W/audit.log
KUBE_LOCAL_ETCD_PORT=$ETCD_PORT
KUBE_LOCAL_API_PORT=$API_PORT
KUBE_LOCAL_ADMIN_TOKEN=$ADMIN_TOKEN
KUBE_LOCAL_WFEB_TOKEN=$WFEB_TOKEN
KUBE_LOCAL_NOBODY_TOKEN=$NOBODY_TOKEN
ENV
ms=$(( ($(date +%s%N) - start) / 1000000 )); elapsed=$(printf "%d.%03d" $((ms / 1000)) $((ms % 1000)))
echo "kube-local: kube-apiserver $("$BIN/kube-apiserver" --version | awk '{print $2}') ready at $SERVER in ${elapsed}s (state in $W)" >&2
grep -v TOKEN "$W/env"
echo "KUBE_LOCAL_ENV=$W/env"
