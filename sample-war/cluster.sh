#!/usr/bin/env bash
# Runs two nodes of the sample chat (or of any WAR built with the kit) in the background, sharing one Redis.
#
#   sample-war/cluster.sh start    start both nodes; returns once both accept WebSocket connections
#   sample-war/cluster.sh stop     stop both nodes
#   sample-war/cluster.sh status   show whether each node runs
#   sample-war/cluster.sh restart N   stop node N (1 or 2) and start it again; returns once it serves
#
# Environment:
#   REDIS_URL      Redis both nodes use (default redis://127.0.0.1:6379)
#   REDIS_CONFIG   a Redisson YAML file to use instead of REDIS_URL (sentinel, cluster, TLS, password)
#   NODE_PORTS     the two HTTP ports (default "9080 9081")
#   CLUSTER_DIR    where the nodes' servers live (default sample-war/target/cluster)
#   BUILD=always   rebuild the WAR first (by default it is built only when missing)
#   WAR            another application to run instead of the sample: the path of its .war (never built here)
#   CONTEXT_ROOT   that application's context root (default: the WAR's file name without .war); the WAR
#                  is deployed as <context root>.war, so this is the context root unless the WAR's own
#                  WEB-INF/ibm-web-ext.xml names another
#   SERVER_XML     the nodes' server.xml (default: the repository's server.xml, the sample's)
#   REALTIME_*     passed to both nodes as configuration, e.g. REALTIME_REDIS_SHARDED=true
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
wlp="$here/target/liberty/wlp"
sample_war="$here/target/realtime-kit-sample.war"
war=${WAR:-$sample_war}
if [[ -n "${WAR:-}" ]]; then
  context_root=${CONTEXT_ROOT:-/$(basename "$war" .war)}
  context_root=/${context_root#/}
  [[ "$context_root" != / ]] || { echo "cluster.sh: CONTEXT_ROOT=/ is not supported (the WAR is deployed under its context root's name)" >&2; exit 1; }
  war_name="${context_root#/}.war"
else
  context_root=/chat   # the sample's (CONTEXT_ROOT only goes with WAR)
  war_name=realtime-kit-sample.war
fi
server_xml=${SERVER_XML:-$root/server.xml}
cluster_dir=${CLUSTER_DIR:-$here/target/cluster}
read -r -a ports <<< "${NODE_PORTS:-9080 9081}"
names=(node-1 node-2)
ready_timeout=${READY_TIMEOUT:-180}

export WLP_USER_DIR="$cluster_dir"

die() { echo "cluster.sh: $*" >&2; exit 1; }

build() {
  if [[ -n "${WAR:-}" ]]; then
    [[ -f "$war" ]] || die "WAR=$war: no such file"
    [[ -f "$server_xml" ]] || die "SERVER_XML=$server_xml: no such file"
    if [[ ! -x "$wlp/bin/server" ]]; then
      echo "Installing Liberty (once) ..."
      (cd "$root" && mvn -q -B -pl sample-war liberty:install-server)
    fi
    return
  fi
  if [[ "${BUILD:-}" == always || ! -f "$war" || ! -x "$wlp/bin/server" ]]; then
    echo "Building the sample and installing Liberty (once) ..."
    (cd "$root" && mvn -q -B -pl sample-war -am install -DskipTests)
    (cd "$root" && mvn -q -B -pl sample-war liberty:install-server)
  fi
}

# Writes one node's server: the sample's server.xml, its port, its heap, the Redis settings, the WAR.
configure() {
  local name=$1 port=$2
  local dir="$cluster_dir/servers/$name"
  if [[ ! -d "$dir" ]]; then
    "$wlp/bin/server" create "$name" > /dev/null
  fi
  cp "$server_xml" "$dir/server.xml"
  printf 'http.port=%s\nhttps.port=%s\n' "$port" "$((port + 363))" > "$dir/bootstrap.properties"
  printf -- '-Xmx512m\n' > "$dir/jvm.options"
  {
    if [[ -n "${REDIS_CONFIG:-}" ]]; then
      echo "REALTIME_REDIS_CONFIG=$REDIS_CONFIG"
    else
      echo "REALTIME_REDIS_ADDRESS=${REDIS_URL:-redis://127.0.0.1:6379}"
    fi
    env | grep -E '^REALTIME_' | grep -vE '^REALTIME_REDIS_(ADDRESS|CONFIG)=' || true
  } > "$dir/server.env"
  mkdir -p "$dir/dropins"
  find "$dir/dropins" -maxdepth 1 -name '*.war' ! -name "$war_name" -delete   # an earlier run's other application
  cp "$war" "$dir/dropins/$war_name"
}

# A WebSocket handshake against the sample: prints the HTTP status (101 once the node serves and
# its Redis subscription is confirmed). It joins the check user's own private room, so that its join
# and leave notices reach nobody (in general they showed up in users' chats and in its history).
# Another WAR's tokens and topics are unknown here: a handshake without a token, which the kit
# answers with 401 once the application serves (Liberty answers 404 before).
handshake_status() {
  local check_user=00000000-0000-0000-0000-000000000000
  local url="http://127.0.0.1:$1/chat/ws/private-user-$check_user?token=$check_user:cluster-check"
  [[ -z "${WAR:-}" ]] || url="http://127.0.0.1:$1${context_root%/}/ws/cluster-check"
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 --http1.1 \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
    "$url" || true
}

start() {
  [[ ${#ports[@]} -eq 2 ]] || die "NODE_PORTS must name two ports"
  command -v curl > /dev/null || die "curl is needed to check that the nodes are up"
  build
  for i in 0 1; do
    if [[ -d "$cluster_dir/servers/${names[$i]}" ]] && "$wlp/bin/server" status "${names[$i]}" > /dev/null 2>&1; then
      "$wlp/bin/server" stop "${names[$i]}" > /dev/null   # start again with the current settings
    fi
    configure "${names[$i]}" "${ports[$i]}"
    "$wlp/bin/server" start "${names[$i]}" > /dev/null || die "${names[$i]} did not start (see $cluster_dir/servers/${names[$i]}/logs)"
  done
  local deadline=$((SECONDS + ready_timeout))
  for i in 0 1; do
    await_serving "$i" "$deadline"
  done
}

# Waits until node index $1 answers WebSocket handshakes (until $2, in SECONDS), or fails.
await_serving() {
  local i=$1 deadline=$2
  local log="$cluster_dir/servers/${names[$i]}/logs/messages.log"
  local serving=101
  [[ -z "${WAR:-}" ]] || serving=401
  until [[ "$(handshake_status "${ports[$i]}")" == "$serving" ]]; do
    if grep -q 'CWWKZ0002E' "$log" 2> /dev/null; then
      grep -hoE 'RTK[0-9]{4}E: .*' "$log" | sort -u >&2 || true
      die "$war_name failed to start on ${names[$i]} (see $log)"
    fi
    if ((SECONDS > deadline)); then
      die "${names[$i]} does not accept WebSocket connections on port ${ports[$i]} after ${ready_timeout}s (see $log)"
    fi
    sleep 0.5
  done
  echo "${names[$i]}: http://localhost:${ports[$i]}${context_root%/}/ (WebSocket ws://localhost:${ports[$i]}${context_root%/}/ws/{topic})"
}

# Stops one node (1 or 2) and starts it again with the current settings.
restart() {
  [[ "${1:-}" == 1 || "${1:-}" == 2 ]] || die "usage: $0 restart 1|2"
  local i=$(($1 - 1))
  [[ -d "$cluster_dir/servers/${names[$i]}" ]] || die "${names[$i]} was never started"
  "$wlp/bin/server" stop "${names[$i]}" > /dev/null || true
  configure "${names[$i]}" "${ports[$i]}"
  "$wlp/bin/server" start "${names[$i]}" > /dev/null || die "${names[$i]} did not start (see $cluster_dir/servers/${names[$i]}/logs)"
  await_serving "$i" $((SECONDS + ready_timeout))
}

stop() {
  [[ -x "$wlp/bin/server" ]] || exit 0
  for name in "${names[@]}"; do
    if [[ -d "$cluster_dir/servers/$name" ]]; then
      "$wlp/bin/server" stop "$name" > /dev/null || true
    fi
  done
  echo "stopped"
}

status() {
  for i in 0 1; do
    if [[ -d "$cluster_dir/servers/${names[$i]}" ]] && "$wlp/bin/server" status "${names[$i]}" > /dev/null 2>&1; then
      echo "${names[$i]}: running on port ${ports[$i]}"
    else
      echo "${names[$i]}: stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) restart "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|restart 1|2" >&2; exit 2 ;;
esac
