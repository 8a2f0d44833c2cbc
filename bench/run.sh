#!/usr/bin/env bash
# The benchmark: the kit's sample chat, a bare Liberty + Redisson endpoint (bench/baseline) and a
# Socket.IO peer (bench/socketio), each as two nodes sharing one Redis, driven by the load generator
# (bench/loadgen). One target's servers run at a time; everything this script starts it stops again,
# by PID, on exit (Ctrl-C included).
#
# Usage:
#   bench/run.sh                 build, then run WORKLOADS against every target of TARGETS
#   bench/run.sh serve TARGET    start a Redis and TARGET's two servers, print their URLs and PIDs,
#                                and keep them up until Ctrl-C (for trying the load generator by hand)
#
# Results: bench/results/<UTC timestamp>.jsonl (one JSON line per run, written by the load generator)
# and <UTC timestamp>.machine.txt (the machine, the versions, the settings). Logs: bench/target/logs/.
#
# Environment (all optional):
#   TARGETS          targets to run, in order (default "kit baseline socketio"); also kit-async: the kit
#                    writing every frame asynchronously (realtime.send-window-bytes=0; the default writes
#                    with blocking writes while the client keeps up), for both outbound paths from one run
#   WORKLOADS        workloads to run on each target (default "W1 W2 W3 W4"; W4 runs on kit and baseline only)
#   KIT_PORTS        the kit nodes' HTTP ports (default "9080 9081")
#   BASELINE_PORTS   the baseline servers' HTTP ports (default "9180 9181")
#   SOCKETIO_PORTS   the Socket.IO servers' ports (default "3000 3001")
#   REDIS_PORT       port of the Redis this script starts (default: a free port from 6400 up)
#   WARM=0           skip the JIT warm-up: by default each target first gets load in W3's shape (WARM:
#                    500 msg/s) until its JVMs' JIT compilers are quiet (at least 60 s, at most 300 s),
#                    so that W1-W3 measure compiled code rather than compilation
#   LOADGEN_ARGS     extra arguments for every load generator run, e.g. "--duration-seconds 10 --warmup-seconds 5"
#   LOADGEN_JAVA_OPTS  JVM options of the load generator (default "-Xmx2g")
#   FORCE=1          run even when the machine is not quiet (1-minute load average above MAX_LOAD)
#   MAX_LOAD         the load average above which the run refuses to start (default 0.5)
#   QUIET_WAIT       seconds to wait after building for the load average to settle (default 180; none with FORCE=1)
#   SKIP_BUILD=1     use the WARs, jar, Liberty and node_modules already built instead of building them
#   JFR=1            record a JFR profile (settings=profile) of every Liberty node (kit and baseline)
#                    into bench/target/jfr/<timestamp>/<target>-node-N.jfr
#   READY_TIMEOUT    seconds a target's servers may take to accept WebSocket connections (default 180)
#   STOP_TIMEOUT     seconds a graceful stop of a target's servers may take before they are killed by PID (default 120)
#   REALTIME_*       passed to the kit nodes as configuration (through sample-war/cluster.sh)
#   KIT_NODE_WARS    "A.war B.war": node 1 of the kit runs A and node 2 runs B (each restarted with its WAR
#                    after the cluster started), for comparing two builds at the same moment under the same
#                    load (bench/equal-rate.sh prints each node's CPU); run it again with the two swapped
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
wlp="$root/sample-war/target/liberty/wlp"
sample_war="$root/sample-war/target/realtime-kit-sample.war"
baseline_war="$bench/baseline/target/bench-baseline.war"
loadgen_jar="$bench/loadgen/target/realtime-kit-bench-loadgen.jar"
work="$bench/target"
logs="$work/logs"
results_dir="$bench/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

read -r -a targets <<< "${TARGETS:-kit baseline socketio}"
read -r -a workloads <<< "${WORKLOADS:-W1 W2 W3 W4}"
read -r -a kit_ports <<< "${KIT_PORTS:-9080 9081}"
read -r -a baseline_ports <<< "${BASELINE_PORTS:-9180 9181}"
read -r -a socketio_ports <<< "${SOCKETIO_PORTS:-3000 3001}"
read -r -a loadgen_args <<< "${LOADGEN_ARGS:-}"
read -r -a loadgen_java_opts <<< "${LOADGEN_JAVA_OPTS:--Xmx2g}"
max_load=${MAX_LOAD:-0.5}
ready_timeout=${READY_TIMEOUT:-180}
jfr_dir="$work/jfr/$stamp"

redis_pid=""
run_jar=""          # the copy of the load generator this run uses
redis_port=""
current=""          # the target whose servers are up
server_pids=()      # their PIDs

say() { echo "run.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# --- building ---------------------------------------------------------------------------------

build() {
  local need_loadgen=$1
  if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    say "building the reactor (mvn install -DskipTests; log: $logs/build.log) ..."
    (cd "$root" && mvn -q -B install -DskipTests) > "$logs/build.log" 2>&1 \
      || die "the build failed (see $logs/build.log)"
    if [[ ! -x "$wlp/bin/server" ]]; then
      say "installing Open Liberty (once) ..."
      (cd "$root" && mvn -q -B -pl sample-war liberty:install-server) >> "$logs/build.log" 2>&1 \
        || die "installing Liberty failed (see $logs/build.log)"
    fi
    if wants socketio; then
      say "npm ci in bench/socketio ..."
      (cd "$bench/socketio" && npm ci --no-audit --no-fund) > "$logs/npm.log" 2>&1 \
        || die "npm ci failed (see $logs/npm.log)"
    fi
  fi
  [[ -f "$sample_war" ]] || die "missing $sample_war (build with: mvn -pl sample-war -am install -DskipTests)"
  [[ -f "$baseline_war" ]] || die "missing $baseline_war (build with: mvn -pl bench/baseline -am install -DskipTests)"
  [[ -x "$wlp/bin/server" ]] || die "missing Liberty at $wlp (install with: mvn -pl sample-war liberty:install-server)"
  if wants socketio; then
    [[ -d "$bench/socketio/node_modules/socket.io" ]] || die "missing bench/socketio/node_modules (run: npm ci in bench/socketio)"
  fi
  if [[ "$need_loadgen" == yes ]]; then
    [[ -f "$loadgen_jar" ]] || die "missing the load generator $loadgen_jar (build with: mvn -pl bench/loadgen -am install -DskipTests)"
  fi
}

wants() { local t; for t in "${targets[@]}"; do [[ "$t" == "$1" ]] && return 0; done; return 1; }

# --- the machine ------------------------------------------------------------------------------

load1() { cut -d' ' -f1 /proc/loadavg; }
above_max_load() { awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l > m) }'; }

# Refuses to go on while the machine is busy; with a wait (after building), lets the load settle first.
check_quiet() {
  local wait_s=$1 deadline=$((SECONDS + $1))
  [[ "${FORCE:-}" != 1 ]] || wait_s=0
  while above_max_load && ((SECONDS < deadline)) && ((wait_s > 0)); do sleep 5; done
  say "uptime:$(uptime)"
  if above_max_load; then
    if [[ "${FORCE:-}" == 1 ]]; then
      say "the 1-minute load average $(load1) is above $max_load; going on anyway (FORCE=1)"
    else
      die "the machine is not quiet: 1-minute load average $(load1) > $max_load$( ((wait_s > 0)) && echo " after waiting ${wait_s}s"). Stop what runs (top) or set FORCE=1."
    fi
  fi
}

describe_machine() {
  local out=$1
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(cd "$root" && git rev-parse HEAD 2> /dev/null || echo unknown)$(cd "$root" && [[ -n "$(git status --porcelain 2> /dev/null)" ]] && echo ' (with uncommitted changes)')"
    echo "uname: $(uname -srm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "nproc: $(nproc)"
    echo "uptime:$(uptime)"
    echo "free -g:"; free -g
    echo "java -version:"; java -version 2>&1
    echo "node --version: $(node --version 2> /dev/null || echo none)"
    echo "redis-server --version: $(redis-server --version)"
    echo "liberty:"; "$wlp/bin/productInfo" version 2>&1 | sed 's/^/  /'
    echo "settings: TARGETS=${targets[*]} WORKLOADS=${workloads[*]} KIT_PORTS=${kit_ports[*]} BASELINE_PORTS=${baseline_ports[*]} SOCKETIO_PORTS=${socketio_ports[*]} LOADGEN_ARGS=${loadgen_args[*]:-} LOADGEN_JAVA_OPTS=${loadgen_java_opts[*]} JFR=${JFR:-0}"
    echo "ulimit -n: $(ulimit -n)"
  } > "$out"
}

# --- processes --------------------------------------------------------------------------------

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
alive() { [[ -n "$1" ]] && kill -0 "$1" 2> /dev/null; }

check_ports_free() {
  local p
  for p in "$@"; do
    ! port_in_use "$p" || die "port $p is already in use (another server? choose others with KIT_PORTS, BASELINE_PORTS, SOCKETIO_PORTS)"
  done
}

# Ends one process: TERM, then KILL after $2 seconds (default 20).
stop_pid() {
  local pid=$1 grace=${2:-20} i
  alive "$pid" || return 0
  kill "$pid" 2> /dev/null || true
  for ((i = 0; i < grace * 10; i++)); do alive "$pid" || return 0; sleep 0.1; done
  say "process $pid did not stop after ${grace}s; killing it"
  kill -9 "$pid" 2> /dev/null || true
}

start_redis() {
  if [[ -n "${REDIS_PORT:-}" ]]; then
    redis_port=$REDIS_PORT
    ! port_in_use "$redis_port" || die "REDIS_PORT $redis_port is already in use"
  else
    redis_port=6400
    while port_in_use "$redis_port"; do redis_port=$((redis_port + 1)); done
  fi
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$logs/redis.log" 2>&1 &
  redis_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [[ "$(redis-cli -p "$redis_port" ping 2> /dev/null)" == PONG ]] && break
    alive "$redis_pid" || die "redis-server did not start (see $logs/redis.log)"
    sleep 0.1
  done
  [[ "$(redis-cli -p "$redis_port" ping 2> /dev/null)" == PONG ]] || die "redis-server does not answer on port $redis_port (see $logs/redis.log)"
  say "redis: 127.0.0.1:$redis_port (PID $redis_pid)"
}

# A WebSocket handshake: prints the HTTP status (101 once the server serves).
handshake_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 --http1.1 \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$1" || true
}

# Waits until a handshake with url $1 answers 101; the server's PID is $2, its log $3.
wait_ready() {
  local url=$1 pid=$2 log=$3 deadline=$((SECONDS + ready_timeout))
  until [[ "$(handshake_status "$url")" == 101 ]]; do
    alive "$pid" || die "the server with PID $pid exited before it accepted WebSocket connections (see $log)"
    if grep -qs 'CWWKZ0002E' "$log"; then die "the application failed to start (see $log)"; fi
    ((SECONDS < deadline)) || die "no WebSocket handshake at $url after ${ready_timeout}s (see $log)"
    sleep 0.5
  done
}

liberty_pid() {   # the PID Liberty records for server $2 of user dir $1
  local f="$1/servers/.pid/$2.pid"
  [[ -s "$f" ]] || die "Liberty recorded no PID in $f"
  tr -d '[:space:]' < "$f"
}

# --- targets ----------------------------------------------------------------------------------

kit_extra_env=()   # REALTIME_* settings of the kit variant that runs
# The workloads' publishers send up to hundreds of messages per second each, and W4 opens 10,000
# connections to one node: the kit's per-connection rate limit and per-node connection limit are off,
# as the peers have none. The caller's REALTIME_* variables still win.
kit_limits=(REALTIME_RATE_LIMIT_PER_SECOND="${REALTIME_RATE_LIMIT_PER_SECOND:-0}" REALTIME_MAX_CONNECTIONS="${REALTIME_MAX_CONNECTIONS:-0}")
kit_env() { env BUILD= REDIS_URL="redis://127.0.0.1:$redis_port" NODE_PORTS="${kit_ports[*]}" CLUSTER_DIR="$work/kit-cluster" "${kit_limits[@]}" ${kit_extra_env[@]+"${kit_extra_env[@]}"} "$@"; }

start_kit() {
  check_ports_free "${kit_ports[@]}"
  current=kit
  kit_env "$root/sample-war/cluster.sh" start > "$logs/kit-cluster.log" 2>&1 \
    || die "sample-war/cluster.sh start failed (see $logs/kit-cluster.log and $work/kit-cluster/servers/node-*/logs/)"
  if [[ -n "${KIT_NODE_WARS:-}" ]]; then
    local wars node war
    read -r -a wars <<< "$KIT_NODE_WARS"
    (( ${#wars[@]} == 2 )) || die "KIT_NODE_WARS must name two WARs, node 1's and node 2's"
    for node in 1 2; do
      war=${wars[$((node - 1))]}
      [[ -f "$war" ]] || die "KIT_NODE_WARS: no such file: $war"
      kit_env WAR="$war" CONTEXT_ROOT=/chat "$root/sample-war/cluster.sh" restart "$node" >> "$logs/kit-cluster.log" 2>&1 \
        || die "restarting kit node $node with $war failed (see $logs/kit-cluster.log)"
      say "kit node $node runs $war"
    done
  fi
  server_pids=("$(liberty_pid "$work/kit-cluster" node-1)" "$(liberty_pid "$work/kit-cluster" node-2)")
}

# A graceful stop may wait for ever on a server that no longer answers (one that ran out of heap): it is
# given STOP_TIMEOUT seconds, then stop_current ends the server by PID.
stop_timeout=${STOP_TIMEOUT:-120}

stop_kit() {
  kit_env timeout "$stop_timeout" "$root/sample-war/cluster.sh" stop >> "$logs/kit-cluster.log" 2>&1 \
    || say "cluster.sh stop failed or took over ${stop_timeout}s (see $logs/kit-cluster.log)"
}

# The kit writing every frame asynchronously (realtime.send-window-bytes=0; the default, 8192, writes
# with blocking writes while the client keeps up), measured in the same run.
start_kit-async() {
  kit_extra_env=(REALTIME_SEND_WINDOW_BYTES=0)
  start_kit
  current=kit-async
}

stop_kit-async() { stop_kit; }

baseline_dir="$work/baseline-usr"

start_baseline() {
  check_ports_free "${baseline_ports[@]}"
  current=baseline
  local i name port dir
  for i in 0 1; do
    name="baseline-$((i + 1))" port=${baseline_ports[$i]} dir="$baseline_dir/servers/baseline-$((i + 1))"
    [[ -d "$dir" ]] || WLP_USER_DIR="$baseline_dir" "$wlp/bin/server" create "$name" > /dev/null || die "server create $name failed"
    rm -rf "$dir/logs" "$dir/workarea"
    cp "$bench/baseline/server.xml" "$dir/server.xml"
    printf 'http.port=%s\nhttps.port=%s\n' "$port" "$((port + 363))" > "$dir/bootstrap.properties"
    printf -- '-Xmx512m\n' > "$dir/jvm.options"
    printf 'BASELINE_REDIS_ADDRESS=redis://127.0.0.1:%s\n' "$redis_port" > "$dir/server.env"   # the whole file
    mkdir -p "$dir/dropins"
    cp "$baseline_war" "$dir/dropins/bench-baseline.war"
    WLP_USER_DIR="$baseline_dir" "$wlp/bin/server" start "$name" > "$logs/baseline-start.log" 2>&1 \
      || die "$name did not start (see $logs/baseline-start.log and $dir/logs/)"
    server_pids+=("$(liberty_pid "$baseline_dir" "$name")")
  done
  for i in 0 1; do
    wait_ready "http://127.0.0.1:${baseline_ports[$i]}/baseline/ws/general?token=00000000-0000-0000-0000-000000000000:bench-check" \
      "${server_pids[$i]}" "$baseline_dir/servers/baseline-$((i + 1))/logs/messages.log"
  done
}

stop_baseline() {
  local name
  for name in baseline-1 baseline-2; do
    if [[ -d "$baseline_dir/servers/$name" ]]; then
      WLP_USER_DIR="$baseline_dir" timeout "$stop_timeout" "$wlp/bin/server" stop "$name" > /dev/null 2>&1 \
        || say "server stop $name failed or took over ${stop_timeout}s"
    fi
  done
}

start_socketio() {
  check_ports_free "${socketio_ports[@]}"
  current=socketio
  local i
  for i in 0 1; do
    PORT=${socketio_ports[$i]} REDIS_URL="redis://127.0.0.1:$redis_port" \
      node "$bench/socketio/server.js" > "$logs/socketio-$((i + 1)).log" 2>&1 &
    server_pids+=("$!")
  done
  for i in 0 1; do
    wait_ready "http://127.0.0.1:${socketio_ports[$i]}/socket.io/?EIO=4&transport=websocket" \
      "${server_pids[$i]}" "$logs/socketio-$((i + 1)).log"
  done
}

stop_socketio() { :; }   # the PIDs are ended by stop_current

start_target() {
  server_pids=()
  kit_extra_env=()
  say "starting $1 ..."
  "start_$1"
  say "$1: servers up (PIDs ${server_pids[*]})"
  if [[ "${JFR:-}" == 1 && "$1" != socketio ]]; then
    mkdir -p "$jfr_dir"
    local i
    for i in 0 1; do
      jcmd "${server_pids[$i]}" JFR.start name=bench settings=profile \
        filename="$jfr_dir/$1-node-$((i + 1)).jfr" > /dev/null || die "jcmd JFR.start failed for PID ${server_pids[$i]}"
    done
    say "$1: JFR recording to $jfr_dir/"
  fi
}

# Stops the target that is up: JFR dump, a graceful stop, then by PID whatever is still alive.
stop_current() {
  [[ -n "$current" ]] || return 0
  local t=$current pid i
  current=""
  if [[ "${JFR:-}" == 1 && "$t" != socketio ]]; then
    for i in 0 1; do
      if alive "${server_pids[$i]:-}"; then
        jcmd "${server_pids[$i]}" JFR.dump name=bench filename="$jfr_dir/$t-node-$((i + 1)).jfr" > /dev/null \
          || say "jcmd JFR.dump failed for PID ${server_pids[$i]}"
      fi
    done
  fi
  say "stopping $t ..."
  "stop_$t" || true
  for pid in "${server_pids[@]}"; do stop_pid "$pid"; done
  server_pids=()
}

cleanup() {
  local rc=$?
  set +e
  stop_current
  if alive "$redis_pid"; then stop_pid "$redis_pid" 5; fi
  [[ -z "$run_jar" ]] || rm -f "$run_jar"
  exit "$rc"
}

urls_of() {
  local p sep="" out=""
  case $1 in
    kit | kit-async) for p in "${kit_ports[@]}"; do out+="${sep}ws://127.0.0.1:$p/chat/ws/"; sep=,; done ;;
    baseline) for p in "${baseline_ports[@]}"; do out+="${sep}ws://127.0.0.1:$p/baseline/ws/"; sep=,; done ;;
    socketio) for p in "${socketio_ports[@]}"; do out+="${sep}ws://127.0.0.1:$p/socket.io/"; sep=,; done ;;
  esac
  echo "$out"
}

protocol_of() { [[ "$1" == socketio ]] && echo socketio || echo kit; }

run_workload() {
  local t=$1 w=$2 log="$logs/loadgen-$stamp-$1-$2.log"
  say "$t $w (log: $log) ..."
  java "${loadgen_java_opts[@]}" -jar "$run_jar" --target "$t" --protocol "$(protocol_of "$t")" \
    --urls "$(urls_of "$t")" --workload "$w" --server-pids "$(IFS=,; echo "${server_pids[*]}")" \
    --redis-pid "$redis_pid" --out "$results" ${loadgen_args[@]+"${loadgen_args[@]}"} 2>&1 | tee "$log"
}

# --- main -------------------------------------------------------------------------------------

check_target_names() {
  local t
  for t in "${targets[@]}"; do
    [[ "$t" =~ ^(kit|kit-async|baseline|socketio)$ ]] || die "unknown target '$t' (kit, kit-async, baseline, socketio)"
  done
  for t in "${kit_ports[@]}" "${baseline_ports[@]}" "${socketio_ports[@]}"; do
    [[ "$t" =~ ^[0-9]+$ ]] || die "'$t' is not a port"
  done
  ((${#kit_ports[@]} == 2 && ${#baseline_ports[@]} == 2 && ${#socketio_ports[@]} == 2)) \
    || die "KIT_PORTS, BASELINE_PORTS and SOCKETIO_PORTS must each name two ports"
}

prepare() {
  command -v curl > /dev/null || die "curl is needed"
  command -v redis-server > /dev/null || die "redis-server is needed"
  mkdir -p "$logs" "$results_dir"
  # W4 opens 10,000 connections: 65536 open files, or as many as the hard limit allows if that is lower.
  if ! ulimit -n 65536 2> /dev/null; then
    ulimit -n "$(ulimit -Hn)"
    say "open-files limit: $(ulimit -n) (the hard limit; 65536 was refused)"
  fi
  (($(ulimit -n) >= 12000)) || die "the open-files limit $(ulimit -n) is too low for W4's 10,000 connections (raise ulimit -Hn)"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

serve() {
  targets=("$1")
  check_target_names
  prepare
  build no
  start_redis
  start_target "$1"
  say "$1 is up: urls $(urls_of "$1") protocol $(protocol_of "$1") server PIDs $(IFS=,; echo "${server_pids[*]}") redis PID $redis_pid"
  say "Ctrl-C stops everything"
  while alive "$redis_pid"; do sleep 1; done
}

main() {
  check_target_names
  local w
  for w in "${workloads[@]}"; do [[ "$w" =~ ^W[1-4]$ ]] || die "unknown workload '$w' (W1 W2 W3 W4)"; done
  prepare
  check_quiet 0
  build yes
  check_quiet "${QUIET_WAIT:-180}"
  results="$results_dir/$stamp.jsonl"
  # Run a copy of the load generator, so that a rebuild during the run cannot swap classes under it.
  run_jar="$work/loadgen-$stamp.jar"
  cp "$loadgen_jar" "$run_jar"
  describe_machine "$results_dir/$stamp.machine.txt"
  start_redis
  local t failed=()
  for t in "${targets[@]}"; do
    start_target "$t"
    if [[ "${WARM:-1}" != 0 && " ${workloads[*]} " =~ \ W[123]\  ]]; then
      run_workload "$t" WARM || failed+=("$t/WARM")
    fi
    for w in "${workloads[@]}"; do
      if [[ "$w" == W4 && "$t" =~ ^(socketio|kit-async)$ ]]; then continue; fi
      run_workload "$t" "$w" || failed+=("$t/$w")
    done
    stop_current
  done
  say "results: $results"
  say "machine: $results_dir/$stamp.machine.txt"
  ((${#failed[@]} == 0)) || die "failed runs: ${failed[*]} (see $logs/loadgen-$stamp-*.log)"
}

case "${1:-}" in
  "") main ;;
  serve) [[ -n "${2:-}" ]] || die "usage: $0 serve kit|baseline|socketio"; serve "$2" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
  *) die "usage: $0 [serve kit|baseline|socketio]" ;;
esac
