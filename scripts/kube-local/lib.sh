# Shared helpers for the kube-local scripts (sourced, not run).
KUBE_LOCAL_PREFIX=${PREFIX:-/usr/local/lib/kube-local/v1.20.2}
KUBE_LOCAL_BIN=${KUBE_LOCAL_BIN:-$KUBE_LOCAL_PREFIX/bin}

# A loopback TCP port nobody listens on right now. A port can still be taken between this check and
# the bind, so callers retry when a server fails to start.
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free loopback port found" >&2
  return 1
}

# Stops the process whose pid is in FILE, if it is still the program named in EXPECT.
stop_pidfile() {
  local file=$1 expect=$2 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$expect"; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      [ -e "/proc/$pid" ] || break
      sleep 0.1
    done
    if [ -e "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

# True while the process in the pid file is alive.
alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
