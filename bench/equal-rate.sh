#!/usr/bin/env bash
# Server CPU of one target at one fixed rate, warm: what a message costs each target when all carry the
# same load (W3 compares the highest rates instead, where the machine runs out of CPU).
#
# Usage: bench/equal-rate.sh TARGET RATE [TOPICS SUBSCRIBERS]
#   Starts TARGET (kit, kit-async, baseline, socketio) with `bench/run.sh serve`, warms it up with the load
#   generator's WARM at WARM_RATE msg/s for WARM_SECONDS, then runs WARM again at RATE msg/s for SECONDS
#   and reads the servers' CPU from /proc over the last MEASURED_SECONDS of it. Prints one line and
#   appends it to bench/results/equal-rate.txt; the load generator's JSON lines go to
#   bench/results/equal-rate.jsonl. Stops everything it started. Run the targets one after the other
#   on a quiet box and compare lines of one session only.
#
# Environment: WARM_RATE (default 1500), WARM_SECONDS (120), SECONDS_AT_RATE (100), MEASURED_SECONDS (60),
# and bench/run.sh's (SKIP_BUILD=1 to use what is built; FORCE=1 on a busy box).
#
# Two builds of the kit at the same moment: KIT_NODE_WARS="A.war B.war" runs A on node 1 and B on node 2
# (bench/run.sh), and the line gives each node's CPU; run it again with the WARs swapped. Each node
# serves half the clients, so both see the same load and the same noise, which on this shared machine
# moves one build's total by up to 40% from one run to the next.
set -euo pipefail

target=${1:?usage: bench/equal-rate.sh TARGET RATE [TOPICS SUBSCRIBERS]}
rate=${2:?usage: bench/equal-rate.sh TARGET RATE [TOPICS SUBSCRIBERS]}
topics=${3:-250}
subscribers=${4:-2}
warm_rate=${WARM_RATE:-1500}
warm_seconds=${WARM_SECONDS:-120}
seconds=${SECONDS_AT_RATE:-100}
measured=${MEASURED_SECONDS:-60}
(( seconds >= measured + 10 )) || { echo "equal-rate.sh: SECONDS_AT_RATE must be at least MEASURED_SECONDS + 10" >&2; exit 2; }

bench=$(cd "$(dirname "$0")" && pwd)
results="$bench/results"
mkdir -p "$results" "$bench/target/logs"
serve_log="$bench/target/logs/equal-rate-serve-$target.log"

"$bench/run.sh" serve "$target" > "$serve_log" 2>&1 &
serve=$!
stop() {
  kill -TERM "$serve" 2> /dev/null || true
  wait "$serve" 2> /dev/null || true
}
trap stop EXIT

for ((i = 0; i < 600; i++)); do
  grep -q ' is up: ' "$serve_log" && break
  kill -0 "$serve" 2> /dev/null || { echo "equal-rate.sh: bench/run.sh serve $target failed (see $serve_log)" >&2; exit 1; }
  sleep 1
done
line=$(grep ' is up: ' "$serve_log") || { echo "equal-rate.sh: $target did not come up (see $serve_log)" >&2; exit 1; }
urls=$(sed -E 's/.*urls ([^ ]+).*/\1/' <<< "$line")
protocol=$(sed -E 's/.*protocol ([^ ]+).*/\1/' <<< "$line")
pids=$(sed -E 's/.*server PIDs ([^ ]+).*/\1/' <<< "$line")
redis_pid=$(sed -E 's/.*redis PID ([0-9]+).*/\1/' <<< "$line")
IFS=, read -r -a server_pids <<< "$pids"

loadgen() {
  java -Xmx2g -jar "$bench/loadgen/target/realtime-kit-bench-loadgen.jar" --target "$target" --protocol "$protocol" \
    --urls "$urls" --server-pids "$pids" --redis-pid "$redis_pid" --workload WARM \
    --w3-topics "$topics" --w3-subscribers "$subscribers" --out "$results/equal-rate.jsonl" "$@"
}
ticks() {   # user + system CPU of each server process, in clock ticks, in the order of server_pids
  local pid
  for pid in "${server_pids[@]}"; do awk '{printf "%d ", $14 + $15}' "/proc/$pid/stat"; done
}

loadgen --warm-rate "$warm_rate" --warm-min-seconds "$warm_seconds" --warm-max-seconds "$warm_seconds" \
  > "$bench/target/logs/equal-rate-warm-$target.log" 2>&1
loadgen --warm-rate "$rate" --warm-min-seconds "$seconds" --warm-max-seconds "$seconds" \
  > "$bench/target/logs/equal-rate-$target.log" 2>&1 &
generator=$!
sleep $((seconds - measured - 5))
read -r -a before <<< "$(ticks)"
sleep "$measured"
read -r -a after <<< "$(ticks)"
wait "$generator" || { echo "equal-rate.sh: the load generator failed (see $bench/target/logs/equal-rate-$target.log)" >&2; exit 1; }

hz=$(getconf CLK_TCK)
deliveries=$((rate * subscribers))
errors=$(grep -oE '"errorFrames":[0-9]+' "$bench/target/logs/equal-rate-$target.log" | tail -1 | cut -d: -f2 || true)
total=0
per_node=""
for i in "${!server_pids[@]}"; do
  used=$((after[i] - before[i]))
  total=$((total + used))
  per_node+=$(awk -v t="$used" -v hz="$hz" -v s="$measured" -v n="$((i + 1))" 'BEGIN { printf "%snode %d %.3f", (n > 1 ? ", " : ""), n, t / hz / s }')
done
summary=$(awk -v t="$total" -v hz="$hz" -v s="$measured" -v d="$deliveries" \
  'BEGIN { printf "%.2f cores, %.1f us per delivery", t / hz / s, t / hz / s / d * 1e6 }')
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $target $rate msg/s, $topics topics x $subscribers subscribers: servers $summary over ${measured} s (${per_node} cores); error frames ${errors:-?}${KIT_NODE_WARS:+; node WARs $KIT_NODE_WARS}" \
  | tee -a "$results/equal-rate.txt"
