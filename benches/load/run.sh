#!/usr/bin/env bash
# flowgate's load harness: builds release binaries, starts the HTTP ceiling (benches/load/baseline)
# and `flowgate serve` on loopback with generated manifests, drives them with wrk, and prints a
# Markdown results table (also written to benches/load/results.md).
#
#   bash benches/load/run.sh                  # run everything, print the table
#   bash benches/load/run.sh --update-readme  # the same, then replace the table in README.md
#
# Scenarios (see benches/load/README.md): the HTTP ceiling; (1) the accept path, asynchronous,
# 1 000 bindings, none matching; (2) sustained event -> workflow stored on the embedded backend;
# (3) overload at 10x the accept capacity for 60 s with a small queue, then recovery.
# Load goes to 127.0.0.1 only. Every wait and loop is bounded; the whole run takes about
# 3 minutes plus the release build. Tunables (environment): DURATION (s, default 10),
# WARMUP (s, 2), ROUNDS (2), QUEUE (1024, scenario 2), BINDINGS (1000, scenario 1), SMALL_BINDINGS (10, scenarios 2
# and 3), OVERLOAD_SECS (60), OVERLOAD_QPS (1000),
# PIN (1: server on CPU 0, wrk on CPU 1, when there are at least 2 CPUs).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UPDATE_README=0
for a in "$@"; do
  case "$a" in
    --update-readme) UPDATE_README=1 ;;
    -h | --help)
      sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $a (try --help)" >&2
      exit 2
      ;;
  esac
done

# Run in a process session of our own with a raised autogroup priority, so that other work on
# a shared machine takes less CPU from the servers under test. Ctrl-C stops the whole session.
if [ -z "${FLOWGATE_BENCH_SESSION:-}" ] && command -v setsid >/dev/null; then
  export FLOWGATE_BENCH_SESSION=1
  setsid -w bash -c 'echo -20 >/proc/self/autogroup 2>/dev/null || true; exec bash "$0" "$@"' \
    "$0" "$@" &
  inner=$!
  trap 'kill -TERM -- "-$inner" 2>/dev/null || true' INT TERM
  rc=0
  wait "$inner" || rc=$?
  exit "$rc"
fi

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-2}
BINDINGS=${BINDINGS:-1000}
SMALL_BINDINGS=${SMALL_BINDINGS:-10}
OVERLOAD_SECS=${OVERLOAD_SECS:-60}
OVERLOAD_QPS=${OVERLOAD_QPS:-1000}
PIN=${PIN:-1}
TOKEN=flowgate-load-token-0123456789abcdef
CONNS_ACCEPT=256
CONNS_SUSTAINED=64
CONNS_OVERLOAD=400
# Scenario 2 sizes the queue for its connections: with one HTTP worker thread, an event waits
# for the thread's Matchers until the other ready connections have been served, so about twice
# as many events as connections are in flight. (Scenario 1's events match no binding, so they
# take no queue slot and it runs with the default queue.)
QUEUE=${QUEUE:-1024}
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[ -r /proc/self/stat ] || die "this harness needs Linux (/proc)"

# --- tools -----------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} from Debian"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || die "cargo not found (install Rust 1.89 or newer)"

log "building release binaries (flowgate, benches/load/baseline)"
(cd "$ROOT" && cargo build --release --locked --quiet -p flowgate --bin flowgate -p flowgate-baseline --bin baseline)
TARGET_DIR=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
TARGET_DIR=${TARGET_DIR:-$ROOT/target}
FLOWGATE=$TARGET_DIR/release/flowgate
BASELINE=$TARGET_DIR/release/baseline
[ -x "$FLOWGATE" ] && [ -x "$BASELINE" ] || die "release binaries not found under $TARGET_DIR"

# --- CPUs ------------------------------------------------------------------------------------
CPUS=$(nproc)
server_pin=()
wrk_pin=()
PINNING="not pinned"
if [ "$PIN" = 1 ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null; then
  server_pin=(taskset -c 0)
  wrk_pin=(taskset -c 1)
  PINNING="server (all its threads) pinned to CPU 0 with 1 HTTP worker, wrk (1 thread) to CPU 1"
fi

# --- work folder, bodies, manifests ----------------------------------------------------------
mkdir -p "$TARGET_DIR"
WORK=$(mktemp -d "$TARGET_DIR/load.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

BODY_MATCH=$HERE/push.json
BODY_NOMATCH=$WORK/push-nomatch.json
sed 's#acme/widgets#acme/elsewhere#g' "$BODY_MATCH" >"$BODY_NOMATCH"
MANIFESTS=$WORK/manifests
bash "$HERE/gen-manifests.sh" "$MANIFESTS" "$BINDINGS" 1 "$TOKEN"
MANIFESTS_SMALL=$WORK/manifests-small
bash "$HERE/gen-manifests.sh" "$MANIFESTS_SMALL" "$SMALL_BINDINGS" 1 "$TOKEN"
PATH_EVENTS=/api/v1/events/bench/github

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- helpers ---------------------------------------------------------------------------------
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# start_server NAME ARGS...: starts a server, waits for its address (at most 60 s).
start_server() {
  local name=$1
  shift
  "${server_pin[@]}" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  SERVER_PID=$!
  SERVER_URL=
  for _ in $(seq 1 600); do
    SERVER_URL=$(sed -n 's/.* listening on \(http:[^ ]*\).*/\1/p' "$WORK/$name.out" | head -n1)
    [ -n "$SERVER_URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "$name exited early: $(tail -n 20 "$WORK/$name.err")"
    sleep 0.1
  done
  [ -n "$SERVER_URL" ] || die "$name did not print its address within 60 s"
  case "$SERVER_URL" in http://127.0.0.1:*) ;; *) die "$name is not on loopback: $SERVER_URL" ;; esac
}

# stop_server: SIGTERM, then at most 30 s for the drain, then SIGKILL.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# run_wrk OUT CONNS SECS BODY [VAR=VALUE...]: one wrk run against $SERVER_URL, measuring the
# server's CPU time; sets R_REQ R_RPS R_NON2XX R_ERRS R_P50 R_P99 R_CPU_US (per request) R_STATUS.
run_wrk() {
  local out=$1 conns=$2 secs=$3 body=$4
  shift 4
  local t0 t1
  t0=$(cpu_ticks "$SERVER_PID")
  env BODY_FILE="$body" TOKEN="$TOKEN" "$@" "${wrk_pin[@]}" \
    wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$HERE/post.lua" "$SERVER_URL$PATH_EVENTS" \
    >"$WORK/$out.wrk" 2>&1 || die "wrk failed: $(tail -n 5 "$WORK/$out.wrk")"
  t1=$(cpu_ticks "$SERVER_PID")
  local line
  line=$(grep '^RESULT ' "$WORK/$out.wrk") || die "no RESULT from wrk: $(tail -n 5 "$WORK/$out.wrk")"
  field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
  R_REQ=$(field requests)
  local dur
  dur=$(field duration_us)
  R_NON2XX=$(field status_errors)
  R_ERRS=$(($(field connect) + $(field read) + $(field write) + $(field timeout)))
  R_P50=$(field p50_us)
  R_P99=$(field p99_us)
  R_RPS=$(awk -v n="$R_REQ" -v d="$dur" 'BEGIN {printf "%.0f", n / (d / 1e6)}')
  R_OK_RPS=$(awk -v n="$R_REQ" -v x="$R_NON2XX" -v d="$dur" 'BEGIN {printf "%.0f", (n - x) / (d / 1e6)}')
  R_CPU_US=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$R_REQ" \
    'BEGIN {if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "n/a"}')
  R_STATUS=$(sed -n 's/^STATUS //p' "$WORK/$out.wrk")
  R_SECS=$(awk -v d="$dur" 'BEGIN {printf "%.1f", d / 1e6}')
}

ms() { awk -v us="$1" 'BEGIN {printf "%.2f ms", us / 1000}'; }
mib() { awk -v kb="$1" 'BEGIN {printf "%.1f MiB", kb / 1024}'; }
mean() { awk '{s += $1; n++} END {if (n) printf "%.0f", s / n; else print 0}'; }
median_file() { sort -n "$1" | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# fg_cmd MANIFESTS DATA_DIR [FLAG...]: sets FG_CMD to the `flowgate serve` command line.
fg_cmd() {
  local manifests=$1 data=$2
  shift 2
  FG_CMD=("$FLOWGATE" serve --listen 127.0.0.1:0 --manifests "$manifests" --data-dir "$data"
    --http-workers 1 --shutdown-timeout-secs 10 "$@")
}

ROWS=()
row() { ROWS+=("| $(printf '%s | ' "$@")"); }

# --- the HTTP ceiling and scenario 1: the accept path ----------------------------------------
: >"$WORK/base.rps"
: >"$WORK/fg.rps"
: >"$WORK/ratio"
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS: HTTP ceiling (baseline), $CONNS_ACCEPT connections, ${DURATION}s"
  start_server baseline "$BASELINE" --listen 127.0.0.1:0 --http-workers 1
  run_wrk "base-warm-$round" "$CONNS_ACCEPT" "$WARMUP" "$BODY_NOMATCH"
  run_wrk "base-$round" "$CONNS_ACCEPT" "$DURATION" "$BODY_NOMATCH"
  B_RPS=$R_OK_RPS B_P50=$R_P50 B_P99=$R_P99 B_CPU=$R_CPU_US B_NON2XX=$R_NON2XX
  B_HWM=$(status_kb "$SERVER_PID" VmHWM)
  stop_server
  echo "$B_RPS" >>"$WORK/base.rps"
  log "  baseline: $B_RPS req/s, p50 $(ms "$B_P50"), p99 $(ms "$B_P99"), $B_CPU us CPU/req"

  log "round $round/$ROUNDS: flowgate accept path, async, $BINDINGS bindings, none matching"
  fg_cmd "$MANIFESTS" "$WORK/data1-$round"
  start_server flowgate1 "${FG_CMD[@]}"
  run_wrk "fg-warm-$round" "$CONNS_ACCEPT" "$WARMUP" "$BODY_NOMATCH"
  run_wrk "fg-$round" "$CONNS_ACCEPT" "$DURATION" "$BODY_NOMATCH"
  F_RPS=$R_OK_RPS F_P50=$R_P50 F_P99=$R_P99 F_CPU=$R_CPU_US F_NON2XX=$R_NON2XX F_REQ=$R_REQ F_ERRS=$R_ERRS
  F_HWM=$(status_kb "$SERVER_PID" VmHWM)
  stop_server
  echo "$F_RPS" >>"$WORK/fg.rps"
  awk -v f="$F_RPS" -v b="$B_RPS" 'BEGIN {printf "%.3f\n", f / b}' >>"$WORK/ratio"
  log "  flowgate: $F_RPS accepted req/s ($F_NON2XX of $F_REQ not 2xx), p50 $(ms "$F_P50"), p99 $(ms "$F_P99"), $F_CPU us CPU/req"
done
BASE_RPS=$(mean <"$WORK/base.rps")
FG_RPS=$(mean <"$WORK/fg.rps")
RATIO=$(median_file "$WORK/ratio")
row "HTTP ceiling: actix-web reads the body, answers 200" baseline "$CONNS_ACCEPT" "$BASE_RPS" "1.00" \
  "$(ms "$B_P50")" "$(ms "$B_P99")" "$B_CPU" "$(mib "$B_HWM")" \
  "mean of $ROUNDS rounds: $(paste -sd' ' "$WORK/base.rps")"
row "(1) accept path, async, $BINDINGS bindings, none matching, default queue (64)" flowgate "$CONNS_ACCEPT" "$FG_RPS" \
  "$(printf '%.3f' "$RATIO")" "$(ms "$F_P50")" "$(ms "$F_P99")" "$F_CPU" "$(mib "$F_HWM")" \
  "target >= 0.80; per round: $(paste -sd' ' "$WORK/ratio"); last round: $F_NON2XX non-200 of $F_REQ, $F_ERRS socket errors"

# --- scenario 2: sustained event -> workflow stored ------------------------------------------
S2_SECS=$((DURATION + 5))
log "scenario 2: sustained events -> workflows stored, $CONNS_SUSTAINED connections, ${S2_SECS}s, 1 of $SMALL_BINDINGS bindings matching"
fg_cmd "$MANIFESTS_SMALL" "$WORK/data2" --event-operation-queue-size "$QUEUE" \
  --submit-qps 1000000000 --submit-burst 1000000000
start_server flowgate2 "${FG_CMD[@]}"
s2_t0=$(date +%s%N)
run_wrk s2 "$CONNS_SUSTAINED" "$S2_SECS" "$BODY_MATCH"
S2_ACCEPTED=$((R_REQ - R_NON2XX))
S2_HWM=$(status_kb "$SERVER_PID" VmHWM)
# metric NAME: one value from the server's /metrics (0 when absent).
metric() {
  curl -sf "$SERVER_URL/metrics" | awk -v m="$1" '$1 == m {v = $2} END {print v + 0}'
}
# At most --event-operation-queue-size (64) events are still queued: wait until none is in
# flight (at most 10 s). Workflows are counted by the server's counter of acknowledged (durably
# committed) creates: listing hundreds of thousands of workflows would measure the read API.
for _ in $(seq 1 100); do
  [ "$(metric flowgate_events_in_flight)" = 0 ] && break
  sleep 0.1
done
S2_SECS_STORED=$(awk -v ns=$(($(date +%s%N) - s2_t0)) 'BEGIN {printf "%.1f", ns / 1e9}')
count=$(metric flowgate_workflows_created_total)
curl -sf -o "$WORK/s2-errors.json" -H "Authorization: Bearer $TOKEN" \
  "$SERVER_URL/api/v1/binding-errors/bench" || true
S2_BINDING_ERRORS=$(grep -o '"reason":"WorkflowEventBindingError"' "$WORK/s2-errors.json" 2>/dev/null | wc -l || true)
stop_server
WF_PER_S=$(awk -v n="$count" -v s="$S2_SECS_STORED" 'BEGIN {printf "%.0f", n / s}')
S2_CPU_PER_WF=$(awk -v c="$R_CPU_US" -v r="$R_REQ" -v n="$count" 'BEGIN {if (n > 0) printf "%.1f", c * r / n; else print "n/a"}')
log "  $count workflows stored in ${S2_SECS_STORED}s: $WF_PER_S workflows/s; $S2_ACCEPTED events accepted, $R_NON2XX answered 503"
row "(2) sustained event -> workflow stored (embedded), 1 of $SMALL_BINDINGS bindings matching, queue $QUEUE" flowgate \
  "$CONNS_SUSTAINED" "$R_OK_RPS" "$(awk -v f="$R_OK_RPS" -v b="$BASE_RPS" 'BEGIN {printf "%.3f", f / b}')" \
  "$(ms "$R_P50")" "$(ms "$R_P99")" "$R_CPU_US" "$(mib "$S2_HWM")" \
  "**$WF_PER_S workflows/s** stored (target >= 20 000): $count workflows in ${S2_SECS_STORED} s (load, then drain) from $S2_ACCEPTED accepted events, $R_NON2XX answered 503, $S2_BINDING_ERRORS binding errors listed; $S2_CPU_PER_WF us CPU per workflow"

# --- scenario 3: overload --------------------------------------------------------------------
# The accept capacity is set by the write rate: --submit-qps OVERLOAD_QPS, one workflow per
# event, queue of 8. wrk offers 10x that rate: each of CONNS_OVERLOAD connections waits
# DELAY_MS before each request.
DELAY=$((CONNS_OVERLOAD * 1000 / (10 * OVERLOAD_QPS)))
[ "$DELAY" -ge 1 ] || DELAY=1
log "scenario 3: overload, ${OVERLOAD_SECS}s at ~$((CONNS_OVERLOAD * 1000 / DELAY)) req/s offered against --submit-qps $OVERLOAD_QPS, queue 8"
fg_cmd "$MANIFESTS_SMALL" "$WORK/data3" --event-operation-queue-size 8 \
  --submit-qps "$OVERLOAD_QPS" --submit-burst "$((OVERLOAD_QPS / 10 + 1))"
start_server flowgate3 "${FG_CMD[@]}"
RSS0=$(status_kb "$SERVER_PID" VmRSS)
: >"$WORK/rss"
(
  # RSS every 5 s while wrk runs: bounded by the duration.
  for i in $(seq 1 $((OVERLOAD_SECS / 5))); do
    sleep 5
    kb=$(status_kb "$SERVER_PID" VmRSS 2>/dev/null) || break
    echo "$((i * 5))s=$(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}')" >>"$WORK/rss"
  done
) &
sampler=$!
run_wrk s3 "$CONNS_OVERLOAD" "$OVERLOAD_SECS" "$BODY_MATCH" TALLY=1 DELAY_MS="$DELAY"
wait "$sampler" 2>/dev/null || true
S3_HWM=$(status_kb "$SERVER_PID" VmHWM)
# Recovery: the first request after the overload that gets 200 (at most 50 tries, 0.2 s apart).
RECOVERY="no 200 within 10 s"
t_start=$(date +%s%N)
for _ in $(seq 1 50); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" -H "X-GitHub-Event: push" \
    --data-binary "@$BODY_MATCH" "$SERVER_URL$PATH_EVENTS" || true)
  if [ "$code" = 200 ]; then
    RECOVERY="200 after $(awk -v ns=$(($(date +%s%N) - t_start)) 'BEGIN {printf "%.2f", ns / 1e9}') s"
    break
  fi
  sleep 0.2
done
ALIVE=yes
kill -0 "$SERVER_PID" 2>/dev/null || ALIVE=no
stop_server
S3_DB=$(du -sk "$WORK/data3" | awk '{printf "%.1f MiB", $1 / 1024}')
OFFERED=$R_RPS
S3_503=$(sed -n 's/.*503=\([0-9]*\).*/\1/p' <<<"$R_STATUS")
S3_503=${S3_503:-0}
OTHER=$(tr ' ' '\n' <<<"$R_STATUS" | grep -v -e '^200=' -e '^503=' -e '^$' | paste -sd' ' || true)
S3_RATE=$(awk -v x="$S3_503" -v n="$R_REQ" 'BEGIN {if (n) printf "%.1f", 100 * x / n; else print 0}')
FACTOR=$(awk -v o="$OFFERED" -v a="$R_OK_RPS" 'BEGIN {if (a > 0) printf "%.1f", o / a; else print "inf"}')
RSS_SERIES="0s=$(awk -v kb="$RSS0" 'BEGIN {printf "%.1f", kb / 1024}') $(paste -sd' ' "$WORK/rss")"
log "  offered $OFFERED req/s, accepted $R_OK_RPS req/s (${FACTOR}x), statuses: $R_STATUS, RSS MiB: $RSS_SERIES, recovery: $RECOVERY"
row "(3) overload: ${OVERLOAD_SECS}s at 10x the accept capacity (--submit-qps $OVERLOAD_QPS, queue 8, 1 of $SMALL_BINDINGS bindings matching)" flowgate \
  "$CONNS_OVERLOAD" "$R_OK_RPS" "-" "$(ms "$R_P50")" "$(ms "$R_P99")" "$R_CPU_US" "$(mib "$S3_HWM")" \
  "offered $OFFERED req/s (${FACTOR}x accepted); 503 rate $S3_503/$R_REQ = $S3_RATE %; statuses: $R_STATUS${OTHER:+ (other: $OTHER)}; $R_ERRS socket errors; RSS MiB every 5 s: $RSS_SERIES (database at the end: $S3_DB); recovery: $RECOVERY; alive: $ALIVE"

# --- the table -------------------------------------------------------------------------------
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
WRK_VERSION=$(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}' || true)
RUSTC=$(rustc -V 2>/dev/null || echo unknown)
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $CPUS CPUs ($MODEL), Linux $(uname -r), $RUSTC, $WRK_VERSION."
  echo "Command: \`bash benches/load/run.sh\`. Load average before / after: $LOAD_START / $LOAD_END."
  echo "$PINNING. ${DURATION}s per run after a ${WARMUP}s warm-up; body: ~1.2 KB GitHub push JSON, bearer token, \`X-GitHub-Event: push\`, HTTP/1.1 keep-alive over loopback."
  echo
  echo "| Scenario | Server | Conns | Accepted req/s | vs ceiling | p50 | p99 | Server CPU µs/req | Peak RSS | Notes |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}" | sed 's/ | $/ |/'
} >"$HERE/results.md"
echo
cat "$HERE/results.md"

if [ "$UPDATE_README" = 1 ]; then
  README=$ROOT/README.md
  grep -q '<!-- bench:start -->' "$README" && grep -q '<!-- bench:end -->' "$README" ||
    die "README.md has no <!-- bench:start --> / <!-- bench:end --> markers"
  awk -v f="$HERE/results.md" '
    /<!-- bench:start -->/ {print; while ((getline l < f) > 0) print l; skip = 1; next}
    /<!-- bench:end -->/ {skip = 0}
    !skip {print}' "$README" >"$WORK/README.md"
  cp "$WORK/README.md" "$README"
  log "README.md updated"
fi
