#!/usr/bin/env bash
# The fleet lab: real hosts in Linux network namespaces on one bridge, from the Release build. A
# dashboard host, a bootstrapper host and N vehicle hosts, each vehicle with its own mosquitto
# (deploy/device/mosquitto, bridged to the dashboard's broker) and agent (built-in generator at
# 4 Hz publishing to that local broker); with --transport ipfs also a js-ipfs daemon per host
# (scripts/ipfs-dev.sh). Scenarios, each measured:
#   1 baseline        scores per second per vehicle, training rounds advancing
#   2 outage          the dashboard host's link cut, then healed
#   3 kill            a peer's agent SIGKILLed, then restarted from its state
#   4 loss30          30 % packet loss (iptables statistic match; this kernel has no netem) on one vehicle
#   5 restart         the dashboard SIGTERMed and started again on the same data directory
#   capacity          the device queue: a faster generator fills the bridge queue while the dashboard's
#                     broker is away, broker and agent are restarted, then everything must arrive, in order
#
#   scripts/fleet-lab.sh [--short] [--json] [--vehicles N] [--transport mqtt|ipfs] [--no-build]
#                        [--only baseline,outage,kill,loss30,restart,capacity] [--work DIR] [--keep]
#
#   --short      CI durations (about 6 min with a warm build); default: the full ones (about 12 min)
#   --json       print one JSON object with the figures (stdout); the table and progress go to stderr
#   --check      exit 1 when a target is missed (CI)
#   --no-build   use the existing Release build (fails if it is missing)
#
# Root only. Leaves the machine as found: its namespaces, bridge and veths are removed, the sysctl
# net.bridge.bridge-nf-call-iptables (with Docker installed, bridged frames otherwise hit iptables'
# FORWARD DROP) is set to 0 only while the lab runs and restored, the loss rules live inside a
# vehicle's namespace and go with it, and only the processes the lab started are ended, by PID.
# Work files (logs, taps, the dashboard's history.db) stay in --work (default: a new /tmp dir).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
short=0 json=0 check=0 build=1 keep=0 vehicles=4 transport=mqtt only="baseline,outage,kill,loss30,restart,capacity" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --json) json=1 ;;
    --check) check=1 ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --vehicles) vehicles="$2"; shift ;;
    --transport) transport="$2"; shift ;;
    --only) only="$2"; shift ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "fleet-lab: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "fleet-lab: needs root (network namespaces)" >&2; exit 2; }
case "$vehicles" in ''|*[!0-9]*) echo "fleet-lab: --vehicles N (2-20)" >&2; exit 2 ;; esac
[ "$vehicles" -ge 2 ] && [ "$vehicles" -le 20 ] || { echo "fleet-lab: --vehicles N (2-20)" >&2; exit 2; }
case "$transport" in mqtt|ipfs) ;; *) echo "fleet-lab: --transport mqtt|ipfs" >&2; exit 2 ;; esac
has() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# Durations (seconds): full / short (CI).
if [ "$short" = 1 ]; then
  T_WARM=${LAB_WARM:-40} T_BASE=20 T_CUT=40 T_SETTLE=25 T_KDOWN=10 T_KOBS=40 T_LOSS=40 T_RSETTLE=25 CAP_HOURS=2.1 CAP_RATE=1000
else
  T_WARM=60 T_BASE=60 T_CUT=60 T_SETTLE=30 T_KDOWN=20 T_KOBS=60 T_LOSS=120 T_RSETTLE=30 CAP_HOURS=3 CAP_RATE=1000
fi

log() { echo "fleet-lab: $(date -u +%T) $*" >&2; }
now() { date +%s.%N; }

need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "fleet-lab: installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
PATH="$PATH:/usr/sbin"

web_bin="$repo/IplsWeb/bin/Release/net10.0"
agent_bin="$repo/IplsPeerAgent/bin/Release/net10.0"
if [ "$build" = 1 ]; then
  log "building (Release)"
  (cd "$repo" && dotnet build IplsWeb.sln -c Release -nologo -v q >&2)
fi
[ -x "$web_bin/IplsWeb" ] && [ -x "$agent_bin/ipls-agent" ] || { echo "fleet-lab: no Release build (dotnet build IplsWeb.sln -c Release)" >&2; exit 2; }
if [ "$transport" = ipfs ]; then
  [ -x "$repo/scripts/ipfs-dev.sh" ] || { echo "fleet-lab: --transport ipfs needs scripts/ipfs-dev.sh" >&2; exit 2; }
  "$repo/scripts/ipfs-dev.sh" install >&2
fi

W="${work:-$(mktemp -d /tmp/fleet-lab.XXXXXX)}"
mkdir -p "$W"
chmod 0755 "$W"
P="il$$"                      # prefix of everything the lab creates (namespaces, links)
NS_DASH="$P-dash" NS_BOOT="$P-boot"
BR="${P}br"
NET=10.213.77
DASH_IP=$NET.2 BOOT_IP=$NET.3
vip() { echo "$NET.$((10 + $1))"; }
FLEET_TOKEN="lab-fleet-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
BROKER_PASSWORD="lab-broker-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ADMIN_PASSWORD="lab-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$BROKER_PASSWORD" > "$W/broker_password"
chmod 0644 "$W/broker_password"
# Per-vehicle broker identities, as deployed: the dashboard gets the identity key, each vehicle (its
# agent and its bridge) and the bootstrapper (vehicle 900) only its own credential, derived as
# scripts/make-secrets.sh derives it. broker_password is the operator's (the lab's taps on the
# dashboard's broker, if any).
# shellcheck source=scripts/lib/vehicle-credential.sh
. "$repo/scripts/lib/vehicle-credential.sh"
IDENTITY_KEY="lab-identity-key-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for n in 900 $(seq 1 "$vehicles"); do
  printf '%s\n' "$(vehicle_credential "$IDENTITY_KEY" "$n")" > "$W/vehicle_${n}_credential"
  chmod 0644 "$W/vehicle_${n}_credential"
done
: > "$W/marks"
mark() { echo "$1 $(now)" >> "$W/marks"; }

# ---------------------------------------------------------------- cleanup (trap)
pids=()          # every process the lab started
namespaces=()
sysctl_saved=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$BR" 2>/dev/null || true
  if [ -n "$sysctl_saved" ]; then sysctl -qw net.bridge.bridge-nf-call-iptables="$sysctl_saved" || true; fi
  if [ "$keep" = 0 ] && [ -z "$work" ]; then rm -rf "$W"; else log "work files kept in $W"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME NS CMD...: runs CMD in namespace NS, output to $W/NAME.log; its PID in $W/NAME.pid
# (started from a subshell, so it is nobody's child here: once ended it is reaped at once and
# stop_pid's kill -0 sees it gone, instead of a zombie)
start() {
  local name=$1 ns=$2; shift 2
  ( ip netns exec "$ns" "$@" >> "$W/$name.log" 2>&1 & echo $! > "$W/$name.pid" )
  pids+=("$(cat "$W/$name.pid")")
}
pid_of() { cat "$W/$1.pid"; }
stop_pid() { # PID [signal] [timeout s]: prints seconds until it exited
  local pid=$1 sig=${2:-TERM} limit=${3:-30} t0
  t0=$(now)
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((limit * 20))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$(now)"
}

# ---------------------------------------------------------------- network
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
  sysctl_saved=$(sysctl -n net.bridge.bridge-nf-call-iptables)
  [ "$sysctl_saved" = 0 ] && sysctl_saved="" || sysctl -qw net.bridge.bridge-nf-call-iptables=0
fi
ip link add "$BR" type bridge
ip link set "$BR" up
add_host() { # ns ip veth-root-name
  local ns=$1 addr=$2 veth=$3
  ip netns add "$ns"
  namespaces+=("$ns")
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BR" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
}
add_host "$NS_DASH" "$DASH_IP" "${P}d"
add_host "$NS_BOOT" "$BOOT_IP" "${P}b"
for n in $(seq 1 "$vehicles"); do add_host "$P-v$n" "$(vip "$n")" "${P}v$n"; done

# ---------------------------------------------------------------- hosts
# The dashboard in its default per-vehicle identity mode, its key from the environment (not argv).
start_dashboard() {
  (cd "$web_bin" && start dashboard "$NS_DASH" env ASPNETCORE_ENVIRONMENT=Production Dashboard__Identity__Key="$IDENTITY_KEY" ./IplsWeb \
    --Dashboard:BindAddress="$DASH_IP" --Dashboard:HttpPort=5601 --Dashboard:MqttPort=1883 \
    --Dashboard:DataDirectory="$W/dash" --Dashboard:DemoFleet:Enabled=false \
    --Dashboard:FleetToken="$FLEET_TOKEN" --Dashboard:AdminPassword="$ADMIN_PASSWORD" \
    --Dashboard:BrokerUsername=ipls --Dashboard:BrokerPassword="$BROKER_PASSWORD")
  pids+=("$(pid_of dashboard)")
  for _ in $(seq 1 600); do
    if ip netns exec "$NS_DASH" bash -c "echo > /dev/tcp/$DASH_IP/5601 && echo > /dev/tcp/$DASH_IP/1883" 2>/dev/null; then return 0; fi
    kill -0 "$(pid_of dashboard)" 2>/dev/null || break
    sleep 0.1
  done
  echo "fleet-lab: the dashboard did not start:" >&2; tail -20 "$W/dashboard.log" >&2; exit 1
}

iplsbroker_supported=0
grep -q '"iplsBrokerip"' "$repo/IplsCore/Configuration/agent-config.schema.json" && iplsbroker_supported=1

agent_args() { # n (0 = bootstrapper)
  local n=$1
  local args=(run --log-level Debug --set "fleetToken=$FLEET_TOKEN" --set "dashboardUrl=http://$DASH_IP:5601"
    --set "checkpointIntervalSeconds=5" --set "transport=$transport")
  if [ "$n" = 0 ]; then
    # Vehicle 900, as in the compose files: its own number and broker identity.
    args+=(--set role=bootstrapper --set vehicle=900 --set "stateDirectory=$W/boot/state"
      --set "mqttBrokerip=$DASH_IP" --set mqttUsername=vehicle-900 --set "mqttPasswordFile=$W/vehicle_900_credential")
  else
    args+=(--set "vehicle=$n" --set "stateDirectory=$W/v$n/state" --set mqttBrokerip=127.0.0.1 --set mqttPort=1883
      --set generator:enabled=true --set generator:rateHz=4)
    if [ "$iplsbroker_supported" = 1 ] && [ "$transport" = mqtt ]; then
      # IPLS on the dashboard's broker (a hub for federation only), data on the device broker; the
      # credentials are for both (the device broker takes any: no password file there).
      args+=(--set "iplsBrokerip=$DASH_IP" --set iplsBrokerport=1883 --set "mqttUsername=vehicle-$n" --set "mqttPasswordFile=$W/vehicle_${n}_credential")
    fi
  fi
  if [ "$transport" = ipfs ]; then
    args+=(--set "ipfsAddress=/ip4/127.0.0.1/tcp/5001" --set "ipfsBootstrapperAddresses=/ip4/$BOOT_IP/tcp/4001"
      --set "ipfsBootstrapperIds=$(cat "$W/boot/ipfs-id")")
  fi
  printf '%s\n' "${args[@]}"
}
start_agent() { # n
  local n=$1 name ns
  if [ "$n" = 0 ]; then name=boot ns=$NS_BOOT; else name=agent-v$n ns=$P-v$n; fi
  mapfile -t a < <(agent_args "$n")
  (cd "$agent_bin" && start "$name" "$ns" ./ipls-agent "${a[@]}")
  pids+=("$(pid_of "$name")")
  echo "--- started $(date -u +%F)" >> "$W/$name.log"
}
start_device_broker() { # n
  local n=$1 d="$W/v$1"
  mkdir -p "$d/mosquitto"
  chown mosquitto: "$d/mosquitto" 2>/dev/null || chmod 0777 "$d/mosquitto"
  bridge_ipls=0
  [ "$transport" = mqtt ] && [ "$iplsbroker_supported" = 0 ] && bridge_ipls=1
  VEHICLE=$n DASHBOARD_MQTT_HOST=$DASH_IP DASHBOARD_MQTT_PORT=1883 BRIDGE_USERNAME="vehicle-$n" \
    BRIDGE_PASSWORD_FILE="$W/vehicle_${n}_credential" DATA_DIR="$d/mosquitto" LISTEN_PORT=1883 BRIDGE_IPLS=$bridge_ipls \
    sh "$repo/deploy/device/mosquitto/render-conf.sh" "$d/mosquitto.conf"
  start "mosquitto-v$n" "$P-v$n" mosquitto -c "$d/mosquitto.conf"
  pids+=("$(pid_of "mosquitto-v$n")")
  for _ in $(seq 1 100); do
    ip netns exec "$P-v$n" bash -c 'echo > /dev/tcp/127.0.0.1/1883' 2>/dev/null && break
    sleep 0.05
  done
  # The tap: every sample and score on the device broker, with the time it was seen.
  start "tap-v$n" "$P-v$n" mosquitto_sub -h 127.0.0.1 -p 1883 -q 1 -t "vehicle/$n" -t "v$n/anomaly" -F '%U %t %p'
  pids+=("$(pid_of "tap-v$n")")
}

start_ipfs() { # name ns addr
  local name=$1 ns=$2 addr=$3 repo_dir="$W/$1/ipfs"
  mkdir -p "$W/$name"
  ip netns exec "$ns" "$repo/scripts/ipfs-dev.sh" init "$repo_dir" --api /ip4/127.0.0.1/tcp/5001 --swarm "/ip4/$addr/tcp/4001" >> "$W/ipfs-$name.log" 2>&1
  start "ipfs-$name" "$ns" "$repo/scripts/ipfs-dev.sh" run "$repo_dir"
  pids+=("$(pid_of "ipfs-$name")")
  for _ in $(seq 1 300); do
    ip netns exec "$ns" bash -c 'echo > /dev/tcp/127.0.0.1/5001' 2>/dev/null && return 0
    sleep 0.2
  done
  echo "fleet-lab: ipfs daemon of $name did not start" >&2; tail -20 "$W/ipfs-$name.log" >&2; exit 1
}

# The poller: the dashboard's /api/agents twice a second, from inside the dashboard's host (so it
# keeps working while that host is cut off), one JSON line per answer: {"t":..., "agents":[...]}.
poller() {
  local jar="$W/cookies" base="http://$DASH_IP:5601"
  login() {
    local token
    token=$(curl -s -m 2 -c "$jar" -b "$jar" "$base/login" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | sed 's/.*value="//; s/"$//' || true)
    [ -n "$token" ] && curl -s -m 2 -c "$jar" -b "$jar" -o /dev/null --data-urlencode "password=$ADMIN_PASSWORD" \
      --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "returnUrl=/" "$base/auth/login" || true
  }
  while :; do
    body=$(curl -s -m 1 -b "$jar" "$base/api/agents" || true)
    case "$body" in
      '['*) echo "{\"t\":$(now),\"agents\":$body}" >> "$W/api.jsonl" ;;
      *) login ;;
    esac
    sleep 0.5
  done
}

# ---------------------------------------------------------------- start the fleet
fleet_needed=0
for sc in baseline outage kill loss30 restart; do has "$sc" && fleet_needed=1; done
if [ "$fleet_needed" = 1 ]; then
log "work dir $W; $vehicles vehicles, transport $transport$( [ "$iplsbroker_supported" = 1 ] && echo ', IPLS on the dashboard broker (iplsBrokerip)' || echo ', IPLS bridged through the device brokers')"
mkdir -p "$W/dash" "$W/boot"
start_dashboard
if [ "$transport" = ipfs ]; then
  start_ipfs boot "$NS_BOOT" "$BOOT_IP"
  ip netns exec "$NS_BOOT" curl -s -X POST "http://127.0.0.1:5001/api/v0/id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ID"])' > "$W/boot/ipfs-id"
  for n in $(seq 1 "$vehicles"); do start_ipfs "v$n" "$P-v$n" "$(vip "$n")"; done
fi
ip netns exec "$P-v1" bash -c "echo > /dev/tcp/$DASH_IP/5601" 2>/dev/null ||
  { echo "fleet-lab: vehicle 1 cannot reach the dashboard host (bridged frames filtered?)" >&2; exit 1; }
start_agent 0
for n in $(seq 1 "$vehicles"); do
  start_device_broker "$n"
  start_agent "$n"
done
( ip netns exec "$NS_DASH" bash -c "$(declare -f poller now); W='$W' DASH_IP='$DASH_IP' ADMIN_PASSWORD='$ADMIN_PASSWORD'; poller" > /dev/null 2>&1 &
  echo $! > "$W/poller.pid" )
pids+=("$(cat "$W/poller.pid")")
log "fleet started; warming up ${T_WARM}s"
sleep "$T_WARM"
fi

# ---------------------------------------------------------------- scenarios
if has baseline; then
  log "1 baseline ${T_BASE}s"
  mark baseline_start; sleep "$T_BASE"; mark baseline_end
fi

if has outage; then
  log "2 outage: dashboard host cut off ${T_CUT}s"
  mark cut
  for n in $(seq 1 "$vehicles"); do cp "$W/v$n/state/checkpoint.json" "$W/v$n/checkpoint-at-cut.json" 2>/dev/null || true; done
  ip link set "${P}d" down
  sleep "$T_CUT"
  for n in $(seq 1 "$vehicles"); do cp "$W/v$n/state/checkpoint.json" "$W/v$n/checkpoint-at-heal.json" 2>/dev/null || true; done
  ip link set "${P}d" up
  mark heal
  sleep "$T_SETTLE"
  mark outage_end
fi

if has kill; then
  log "3 kill: vehicle 1's agent SIGKILLed, restarted after ${T_KDOWN}s"
  mark kill
  stop_pid "$(pid_of agent-v1)" KILL 5 > /dev/null
  sleep "$T_KDOWN"
  start_agent 1
  mark kill_restart
  sleep "$T_KOBS"
  mark kill_end
fi

if has loss30; then
  log "4 loss30: 30 % loss on vehicle 1 for ${T_LOSS}s"
  ip netns exec "$P-v1" iptables -A INPUT -i eth0 -m statistic --mode random --probability 0.3 -j DROP
  ip netns exec "$P-v1" iptables -A OUTPUT -o eth0 -m statistic --mode random --probability 0.3 -j DROP
  mark loss_start
  sleep "$T_LOSS"
  ip netns exec "$P-v1" iptables -F INPUT; ip netns exec "$P-v1" iptables -F OUTPUT
  mark loss_end
  sleep 10
fi

if has restart; then
  log "5 restart: dashboard SIGTERM and start again"
  mark restart_term
  stop_s=$(stop_pid "$(pid_of dashboard)" TERM 60)
  echo "$stop_s" > "$W/restart_stop_s"
  mark restart_start
  start_dashboard
  mark restart_ready
  sleep "$T_RSETTLE"
  mark restart_end
fi

# Everything late has had its chance to arrive.
if [ "$fleet_needed" = 1 ]; then sleep 5; mark fleet_end; fi

# ---------------------------------------------------------------- capacity (the device queue)
cap_json="null"
if has capacity; then
  log "capacity: device queue of a ${CAP_RATE} Hz generator, ${CAP_HOURS} h of 4 Hz scores, broker + agent restarted mid-way"
  cns="$P-cap" cd_="$W/cap"
  ip netns add "$cns"; namespaces+=("$cns")
  ip -n "$cns" link set lo up
  mkdir -p "$cd_/mosquitto" "$cd_/state"
  chown mosquitto: "$cd_/mosquitto" 2>/dev/null || chmod 0777 "$cd_/mosquitto"
  # The dashboard's broker is away: nothing listens on 127.0.0.1:1884 until the end.
  VEHICLE=1 DASHBOARD_MQTT_HOST=127.0.0.1 DASHBOARD_MQTT_PORT=1884 DATA_DIR="$cd_/mosquitto" LISTEN_PORT=1883 \
    sh "$repo/deploy/device/mosquitto/render-conf.sh" "$cd_/mosquitto.conf"
  printf 'listener 1884 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' > "$cd_/remote.conf"
  target=$(python3 -c "print(int(float('$CAP_HOURS') * 3600 * 4))")
  # The faster generator: samples at CAP_RATE Hz from outside the agent (its built-in generator does
  # not reach such rates on a loaded machine), published at QoS 1 like the built-in one.
  feeder() { # count
    python3 -c '
import random, sys, time
rate, n = float(sys.argv[1]), int(sys.argv[2]); t0 = time.monotonic()
for i in range(n):
    d = t0 + i / rate - time.monotonic()
    if d > 0: time.sleep(d)
    print("{\"value\":[%.4f,%.4f,%.4f,%.4f]}" % (random.gauss(-1, .5), random.gauss(-1, .5), random.gauss(0, 1), random.gauss(0, 1)), flush=True)
' "$CAP_RATE" "$1" | ip netns exec "$cns" mosquitto_pub -h 127.0.0.1 -p 1883 -q 1 -t vehicle/1 -l
  }
  cap_phase() { # name count: broker, tap, agent; COUNT samples fed; then agent and broker stopped (SIGTERM)
    local phase=$1 count=$2 seen=-1 got
    start "cap-mosquitto-$phase" "$cns" mosquitto -c "$cd_/mosquitto.conf"; pids+=("$(pid_of "cap-mosquitto-$phase")")
    for _ in $(seq 1 100); do ip netns exec "$cns" bash -c 'echo > /dev/tcp/127.0.0.1/1883' 2>/dev/null && break; sleep 0.05; done
    start "cap-tap-$phase" "$cns" mosquitto_sub -h 127.0.0.1 -p 1883 -q 1 -t v1/anomaly -F '%p'; pids+=("$(pid_of "cap-tap-$phase")")
    (cd "$agent_bin" && start "cap-agent-$phase" "$cns" ./ipls-agent run --set vehicle=1 --set "fleetToken=$FLEET_TOKEN" \
      --set "stateDirectory=$cd_/state" --set mqttBrokerip=127.0.0.1)
    pids+=("$(pid_of "cap-agent-$phase")")
    for _ in $(seq 1 300); do grep -q ' running for vehicle' "$W/cap-agent-$phase.log" 2>/dev/null && break; sleep 0.1; done
    sleep 2
    # A loaded machine's agent may drop samples it cannot take (counted, never scored): feed again
    # until it has produced COUNT scores.
    for _ in $(seq 1 20); do
      got=$(wc -l < "$W/cap-tap-$phase.log")
      [ "$got" -ge "$count" ] && break
      feeder $((count - got))
      for _ in $(seq 1 30); do got=$(wc -l < "$W/cap-tap-$phase.log"); [ "$got" -ge "$count" ] || [ "$got" = "$seen" ] && break; seen=$got; sleep 1; done
    done
    stop_pid "$(pid_of "cap-agent-$phase")" TERM 20 > /dev/null
    sleep 0.5
    stop_pid "$(pid_of "cap-tap-$phase")" TERM 5 > /dev/null
    stop_pid "$(pid_of "cap-mosquitto-$phase")" TERM 20 > /dev/null
  }
  t_cap0=$(now)
  cap_phase 1 $((target / 2))
  cap_phase 2 $((target - target / 2))
  t_cap1=$(now)
  du -sb "$cd_/mosquitto" | cut -f1 > "$cd_/db_bytes"   # the queue on disk, full
  cat "$W"/cap-tap-1.log "$W"/cap-tap-2.log > "$cd_/produced.txt"
  # The dashboard's broker comes back with a subscriber; the device broker restarts and delivers.
  start cap-remote "$cns" mosquitto -c "$cd_/remote.conf"; pids+=("$(pid_of cap-remote)")
  for _ in $(seq 1 100); do ip netns exec "$cns" bash -c 'echo > /dev/tcp/127.0.0.1/1884' 2>/dev/null && break; sleep 0.05; done
  start cap-sink "$cns" mosquitto_sub -h 127.0.0.1 -p 1884 -q 1 -t v1/anomaly -F '%p'; pids+=("$(pid_of cap-sink)")
  sleep 0.5
  t_deliver0=$(now)
  start cap-mosquitto-3 "$cns" mosquitto -c "$cd_/mosquitto.conf"; pids+=("$(pid_of cap-mosquitto-3)")
  produced=$(wc -l < "$cd_/produced.txt")
  last=-1
  for _ in $(seq 1 300); do
    got=$(wc -l < "$W/cap-sink.log")
    [ "$got" -ge "$produced" ] && break
    [ "$got" = "$last" ] && [ "$got" -gt 0 ] && sleep 2 && [ "$(wc -l < "$W/cap-sink.log")" = "$got" ] && break
    last=$got; sleep 1
  done
  t_deliver1=$(now)
  stop_pid "$(pid_of cap-mosquitto-3)" TERM 20 > /dev/null
  stop_pid "$(pid_of cap-sink)" TERM 5 > /dev/null
  stop_pid "$(pid_of cap-remote)" TERM 5 > /dev/null
  cap_json=$(python3 - "$cd_/produced.txt" "$W/cap-sink.log" "$t_cap0" "$t_cap1" "$t_deliver0" "$t_deliver1" "$(cat "$cd_/db_bytes")" <<'PY'
import json, sys
produced = open(sys.argv[1]).read().splitlines()
got = open(sys.argv[2]).read().splitlines()
# Complete and in order: the longest prefix of what the agent produced that arrived exactly so.
prefix = 0
for a, b in zip(produced, got):
    if a != b:
        break
    prefix += 1
in_order = prefix == len(produced) and len(got) == len(produced)
print(json.dumps({
    "produced": len(produced), "delivered": len(got), "delivered_in_order_prefix": prefix,
    "complete_in_order": in_order,
    "outage_hours_held": round(prefix / (4 * 3600), 2),
    "fill_s": round(float(sys.argv[4]) - float(sys.argv[3]), 1),
    "drain_s": round(float(sys.argv[6]) - float(sys.argv[5]), 1),
    "db_bytes": int(sys.argv[7]),
}))
PY
)
fi

# ---------------------------------------------------------------- measure
# (the dashboard is still up: its history is read from the WAL database as it stands)
python3 "$repo/scripts/lib/fleet_lab_measure.py" "$W" "$vehicles" "$transport" "$json" "$check" "$short" "$cap_json" "$only"
