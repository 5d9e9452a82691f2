#!/usr/bin/env bash
# Real IPFS daemons for development and CI: js-ipfs 0.66.1 (npm package `ipfs`, the last js-ipfs;
# ipfs-core 0.18.1), which serves the Kubo-style /api/v0 RPC API with gossipsub pubsub and bitswap.
# Kubo itself is not installable here (no registry this machine reaches ships it).
#
#   scripts/ipfs-dev.sh install
#       npm-installs js-ipfs into ${IPLS_IPFS_HOME:-/var/cache/ipls/js-ipfs} (outside the repo), with the
#       two fixes Debian's Node 20 needs (below). Idempotent: returns at once when already installed.
#   scripts/ipfs-dev.sh init REPO --api /ip4/A/tcp/P --swarm /ip4/A/tcp/P2
#       one private repo: no bootstrap list, no MDNS, no gateway, no gRPC, no preload, pubsub on (gossipsub).
#       Run again on an existing repo it only rewrites the addresses (the identity stays).
#   scripts/ipfs-dev.sh run REPO
#       execs the daemon in the foreground (a caller can run it under `ip netns exec` and own its PID).
#   scripts/ipfs-dev.sh start N [--base-port P] [--state DIR]
#       inits and starts N daemons on 127.0.0.1 (API P+2i, swarm P+2i+1, i = 0..N-1; without --base-port a
#       free range is picked), connects every pair, writes DIR/env (below) and DIR/n<i>.pid / .log.
#   scripts/ipfs-dev.sh restart I [--state DIR]      stops daemon I (0-based) by its PID and starts it again
#   scripts/ipfs-dev.sh stop [--state DIR]           ends the daemons `start` recorded, by PID, nothing else
#   scripts/ipfs-dev.sh print-env [--state DIR]      prints DIR/env: `eval "$(scripts/ipfs-dev.sh print-env)"`
#
# DIR defaults to ${IPLS_IPFS_STATE:-/tmp/ipls-ipfs-dev}. DIR/env holds `export NAME=value` lines:
#   IPLS_IPFS_APIS     API multiaddrs, comma-separated, in daemon order (/ip4/127.0.0.1/tcp/P,...)
#   IPLS_IPFS_SWARMS   swarm multiaddrs with /p2p/<peer id>, comma-separated, same order
#   IPLS_KUBO_API      the first API multiaddr (what scripts/kubo-live-tests.sh and the KuboLive tests read)
#   IPLS_IPFS_STATE    DIR;  IPLS_IPFS_DEV  this script (tests call `restart` through it)
#
# The Node 20 fixes: (1) Promise.withResolvers exists from Node 22 on and it-queue (reached through ipfs-core's
# ^ ranges) calls it: a small polyfill is loaded with NODE_OPTIONS=--require. (2) @multiformats/multiaddr ^12
# resolves today to 12.5.x, which rejects libp2p 0.42's multiaddr objects, and the daemon hangs with "no valid
# addresses were provided for transports": an npm override pins 12.1.0.
set -euo pipefail

SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
IPFS_VERSION=0.66.1
HOME_DIR="${IPLS_IPFS_HOME:-/var/cache/ipls/js-ipfs}"
STATE_DEFAULT="${IPLS_IPFS_STATE:-/tmp/ipls-ipfs-dev}"

die() { echo "ipfs-dev: $*" >&2; exit 1; }
usage() {
  sed -n '/^#   scripts/,/^# DIR defaults/p' "$SCRIPT" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

package_json() {
  cat <<EOF
{
  "name": "ipls-ipfs-dev",
  "version": "1.0.0",
  "private": true,
  "description": "js-ipfs for IPLS development and CI (written by scripts/ipfs-dev.sh)",
  "dependencies": { "ipfs": "$IPFS_VERSION" },
  "overrides": { "@multiformats/multiaddr@^12": "12.1.0" }
}
EOF
}

polyfill() {
  cat <<'EOF'
// Promise.withResolvers is Node 22+; js-ipfs' dependency it-queue calls it (written by scripts/ipfs-dev.sh).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
EOF
}

installed() {
  [ -x "$HOME_DIR/node_modules/.bin/jsipfs" ] && [ -f "$HOME_DIR/.installed" ] \
    && [ "$(cat "$HOME_DIR/.installed")" = "$(package_json | sha256sum | cut -d' ' -f1)" ]
}

cmd_install() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || die "node and npm are needed (apt-get install nodejs npm)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 18 ] || die "Node $(node --version) is too old: js-ipfs $IPFS_VERSION needs Node 18 or newer"
  mkdir -p "$HOME_DIR"
  # Several callers (CI, a lab, another checkout) may install at once: one npm at a time.
  exec 9>"$HOME_DIR/.lock"
  flock 9
  if installed; then
    echo "ipfs-dev: js-ipfs $IPFS_VERSION already installed in $HOME_DIR"
    return 0
  fi
  local started=$SECONDS
  echo "ipfs-dev: installing js-ipfs $IPFS_VERSION into $HOME_DIR (a few minutes when npm's cache is cold)"
  rm -f "$HOME_DIR/.installed"
  package_json >"$HOME_DIR/package.json"
  polyfill >"$HOME_DIR/polyfill.cjs"
  (cd "$HOME_DIR" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in $HOME_DIR"
  NODE_OPTIONS="--require $HOME_DIR/polyfill.cjs" "$HOME_DIR/node_modules/.bin/jsipfs" --version >/dev/null \
    || die "jsipfs does not run after the install"
  package_json | sha256sum | cut -d' ' -f1 >"$HOME_DIR/.installed"
  echo "ipfs-dev: installed in $((SECONDS - started)) s"
  flock -u 9
}

need_installed() { installed || die "js-ipfs is not installed in $HOME_DIR: run '$SCRIPT install' first"; }

jsipfs() {
  NODE_OPTIONS="--require $HOME_DIR/polyfill.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}" "$HOME_DIR/node_modules/.bin/jsipfs" "$@"
}

check_tcp_multiaddr() { # name value
  [[ "$2" =~ ^/(ip4|ip6)/[^/]+/tcp/[0-9]+$ ]] || die "$1 must be /ip4/ADDR/tcp/PORT (or /ip6/...), got '$2'"
}

cmd_init() {
  local repo="" api="" swarm=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --api) api="${2:-}"; shift 2 ;;
      --swarm) swarm="${2:-}"; shift 2 ;;
      -*) die "init: unknown option $1" ;;
      *) [ -z "$repo" ] || die "init: one REPO only"; repo="$1"; shift ;;
    esac
  done
  [ -n "$repo" ] && [ -n "$api" ] && [ -n "$swarm" ] || die "usage: init REPO --api /ip4/A/tcp/P --swarm /ip4/A/tcp/P2"
  check_tcp_multiaddr --api "$api"
  check_tcp_multiaddr --swarm "$swarm"
  need_installed
  command -v jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"
  if [ ! -f "$repo/config" ]; then
    mkdir -p "$(dirname "$repo")"
    IPFS_PATH="$repo" jsipfs init --profile test >/dev/null || die "jsipfs init $repo failed"
  fi
  # Private and quiet: nobody to bootstrap from, no local discovery, no gateway or gRPC listener.
  jq --arg s "$swarm" --arg a "$api" \
    '.Addresses.Swarm=[$s] | .Addresses.API=$a | .Addresses.Gateway="" | .Addresses.RPC=""
     | .Addresses.Announce=[] | .Addresses.NoAnnounce=[] | .Addresses.Delegates=[]
     | .Bootstrap=[] | .Discovery.MDNS.Enabled=false | .Discovery.webRTCStar.Enabled=false
     | .Pubsub.Enabled=true | .Pubsub.Router="gossipsub"' \
    "$repo/config" >"$repo/config.new"
  mv "$repo/config.new" "$repo/config"
}

cmd_run() {
  [ $# -eq 1 ] || die "usage: run REPO"
  local repo="$1"
  [ -f "$repo/config" ] || die "$repo is not an initialised repo (run '$SCRIPT init $repo --api ... --swarm ...')"
  need_installed
  # A killed daemon leaves these behind and the next start would refuse the repo.
  rm -f "$repo/api" "$repo/repo.lock"
  export IPFS_PATH="$repo"
  # Prometheus counters at /debug/metrics/prometheus: the only byte counts js-ipfs keeps (stats/bw stays 0).
  export IPFS_MONITORING="${IPFS_MONITORING:-1}"
  export NODE_OPTIONS="--require $HOME_DIR/polyfill.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}"
  exec "$HOME_DIR/node_modules/.bin/jsipfs" daemon --enable-preload=false
}

# --- start/stop: N daemons on loopback, owned through the state dir ---------------------------------

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

pick_base_port() { # count
  local tries base ok p
  for tries in $(seq 1 50); do
    base=$((20000 + (RANDOM % 2000) * 10))
    ok=1
    for p in $(seq "$base" $((base + $1 - 1))); do port_free "$p" || { ok=0; break; }; done
    [ "$ok" = 1 ] && { echo "$base"; return 0; }
  done
  die "no free port range found"
}

api_url() { # multiaddr -> http://host:port
  local a="$1"; local host port
  host=$(cut -d/ -f3 <<<"$a"); port=$(cut -d/ -f5 <<<"$a")
  echo "http://$host:$port"
}

rpc() { # api-multiaddr command [curl args]
  local base; base=$(api_url "$1"); shift
  local cmd="$1"; shift
  curl -sS -f -X POST --max-time 10 "$base/api/v0/$cmd" "$@"
}

# Starts daemon i of the state dir (its repo must be initialised); wait_up waits until its API answers.
launch_one() { # state i
  local state=$1 i=$2
  setsid "$SCRIPT" run "$state/n$i" >"$state/n$i.log" 2>&1 </dev/null &
  echo "$!" >"$state/n$i.pid"
}

wait_up() { # state i
  local state=$1 i=$2 pid api
  api=$(cat "$state/n$i.api"); pid=$(cat "$state/n$i.pid")
  for _ in $(seq 1 240); do
    if rpc "$api" id >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "ipfs-dev: daemon $i did not start; its log:" >&2
  tail -n 40 "$state/n$i.log" >&2
  stop_one "$state" "$i"
  return 1
}

start_one() { launch_one "$1" "$2"; wait_up "$1" "$2"; }

stop_one() { # state i
  local state=$1 i=$2 pid
  [ -f "$state/n$i.pid" ] || return 0
  pid=$(cat "$state/n$i.pid")
  rm -f "$state/n$i.pid"
  kill -0 "$pid" 2>/dev/null || return 0
  # setsid made the daemon a process-group leader: the group is node and nothing else of ours.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

peer_id() { rpc "$1" id | jq -r .ID; }

# Connects daemon i to every other running one (pubsub and bitswap only talk over existing connections).
connect_one() { # state i count
  local state=$1 i=$2 n=$3 j
  for j in $(seq 0 $((n - 1))); do
    [ "$j" != "$i" ] || continue
    [ -f "$state/n$j.pid" ] || continue
    rpc "$(cat "$state/n$i.api")" swarm/connect --data-urlencode "arg=$(cat "$state/n$j.swarm")/p2p/$(cat "$state/n$j.id")" -G >/dev/null \
      || echo "ipfs-dev: warning: daemon $i could not connect to daemon $j" >&2
  done
}

write_env() { # state count
  local state=$1 n=$2 i apis="" swarms=""
  for i in $(seq 0 $((n - 1))); do
    apis="$apis${apis:+,}$(cat "$state/n$i.api")"
    swarms="$swarms${swarms:+,}$(cat "$state/n$i.swarm")/p2p/$(cat "$state/n$i.id")"
  done
  {
    echo "export IPLS_IPFS_APIS=$apis"
    echo "export IPLS_IPFS_SWARMS=$swarms"
    echo "export IPLS_KUBO_API=$(cat "$state/n0.api")"
    echo "export IPLS_IPFS_STATE=$state"
    echo "export IPLS_IPFS_DEV=$SCRIPT"
  } >"$state/env"
}

parse_state() { # sets STATE and ARGS from "$@"
  STATE="$STATE_DEFAULT"; BASE=""; ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --state) STATE="${2:?--state needs a directory}"; shift 2 ;;
      --base-port) BASE="${2:?--base-port needs a port}"; shift 2 ;;
      -*) die "unknown option $1" ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  mkdir -p "$STATE"
  STATE="$(cd "$STATE" && pwd)"
}

cmd_start() {
  parse_state "$@"
  [ ${#ARGS[@]} -eq 1 ] && [[ "${ARGS[0]}" =~ ^[1-9][0-9]*$ ]] || die "usage: start N [--base-port P] [--state DIR]"
  local n=${ARGS[0]} i started=$SECONDS
  need_installed
  command -v curl >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 || die "curl and jq are needed"
  [ -z "$(ls "$STATE"/n*.pid 2>/dev/null)" ] || die "daemons of $STATE are running: '$SCRIPT stop --state $STATE' first"
  [ -n "$BASE" ] || BASE=$(pick_base_port $((2 * n)))
  rm -f "$STATE"/n*.api "$STATE"/n*.swarm "$STATE"/n*.id "$STATE/env"
  local inits=()
  for i in $(seq 0 $((n - 1))); do
    echo "/ip4/127.0.0.1/tcp/$((BASE + 2 * i))" >"$STATE/n$i.api"
    echo "/ip4/127.0.0.1/tcp/$((BASE + 2 * i + 1))" >"$STATE/n$i.swarm"
    # Repos are made in parallel too (about 5 s each, most of it Node starting).
    (cmd_init "$STATE/n$i" --api "$(cat "$STATE/n$i.api")" --swarm "$(cat "$STATE/n$i.swarm")") &
    inits+=($!)
  done
  for i in "${inits[@]}"; do wait "$i" || die "init of a repo in $STATE failed"; done
  # All at once: each takes 5-8 s, mostly waiting on itself.
  for i in $(seq 0 $((n - 1))); do launch_one "$STATE" "$i"; done
  for i in $(seq 0 $((n - 1))); do
    if ! wait_up "$STATE" "$i"; then cmd_stop --state "$STATE"; die "start failed"; fi
    peer_id "$(cat "$STATE/n$i.api")" >"$STATE/n$i.id"
  done
  echo "$n" >"$STATE/count"
  for i in $(seq 1 $((n - 1))); do connect_one "$STATE" "$i" "$n"; done
  write_env "$STATE" "$n"
  echo "ipfs-dev: $n js-ipfs daemons up in $((SECONDS - started)) s ($STATE/env):"
  cat "$STATE/env"
}

cmd_restart() {
  parse_state "$@"
  [ ${#ARGS[@]} -eq 1 ] && [[ "${ARGS[0]}" =~ ^[0-9]+$ ]] || die "usage: restart I [--state DIR]"
  local i=${ARGS[0]} n
  [ -f "$STATE/count" ] && [ -f "$STATE/n$i.api" ] || die "no daemon $i in $STATE"
  n=$(cat "$STATE/count")
  stop_one "$STATE" "$i"
  start_one "$STATE" "$i" || die "daemon $i did not come back"
  connect_one "$STATE" "$i" "$n"
  echo "ipfs-dev: daemon $i restarted (pid $(cat "$STATE/n$i.pid"))"
}

cmd_stop() {
  parse_state "$@"
  local f i
  for f in "$STATE"/n*.pid; do
    [ -f "$f" ] || continue
    i=$(basename "$f" .pid); i=${i#n}
    stop_one "$STATE" "$i"
  done
  rm -f "$STATE/env"
  echo "ipfs-dev: stopped the daemons of $STATE"
}

cmd_print_env() {
  parse_state "$@"
  [ -f "$STATE/env" ] || die "no running daemons recorded in $STATE (run '$SCRIPT start N' first)"
  cat "$STATE/env"
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  init) shift; cmd_init "$@" ;;
  run) shift; cmd_run "$@" ;;
  start) shift; cmd_start "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  print-env) shift; cmd_print_env "$@" ;;
  *) usage ;;
esac
