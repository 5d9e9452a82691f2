#!/bin/sh
# Renders the device broker's configuration: mosquitto.conf (next to this script) followed by this
# device's listener, persistence location and the bridge to the dashboard's broker. POSIX sh; writes
# the file with mode 0600 (it holds the bridge password).
#
#   render-conf.sh OUT_FILE            then: mosquitto -c OUT_FILE
#
# Environment:
#   VEHICLE               vehicle number n (required): bridges v{n}/anomaly and vehicle/{n} out,
#                         vehicle/{n}/generator in
#   DASHBOARD_MQTT_HOST   the dashboard's broker (required)
#   DASHBOARD_MQTT_PORT   its port (default 1883)
#   BRIDGE_USERNAME       user on the dashboard's broker (default: none, no credentials sent)
#   BRIDGE_PASSWORD_FILE  file holding that user's password (final newline dropped; required with
#                         BRIDGE_USERNAME unless the broker takes the user without one)
#   DATA_DIR              where the persistent queue lives (default /var/lib/mosquitto); must be
#                         writable by the broker and survive restarts (a volume)
#   LISTEN_PORT           local listener for sensors and the agent (default 1883)
#   LISTEN_ADDRESS        address it binds (default 127.0.0.1; 0.0.0.0 in a container whose network
#                         only the device's own containers share)
#   MAX_QUEUED_MESSAGES   bound of the queue for the dashboard (default 200000: scores and samples
#                         of one vehicle at 4 Hz each for 6.9 h; more is dropped, newest first)
#   BRIDGE_IPLS           1 = also bridge ipls/# both ways (IPLS over MQTT through the dashboard's
#                         broker; default 0: IPLS goes over IPFS or its own broker)
#   BRIDGE_KEEPALIVE      seconds between pings on an idle bridge (default 10: a dead link is
#                         noticed within ~15 s; the minimum mosquitto takes is 5)
set -eu

out="${1:?usage: render-conf.sh OUT_FILE}"
here=$(cd "$(dirname "$0")" && pwd)
base="${BASE_CONF:-$here/mosquitto.conf}"

fail() { echo "render-conf.sh: $*" >&2; exit 2; }
is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

vehicle="${VEHICLE:-}"
is_uint "$vehicle" && [ "$vehicle" -ge 1 ] || fail "VEHICLE = \"$vehicle\": a vehicle number >= 1"
host="${DASHBOARD_MQTT_HOST:-}"
[ -n "$host" ] || fail "DASHBOARD_MQTT_HOST is required"
case "$host" in *[!A-Za-z0-9.:_-]*) fail "DASHBOARD_MQTT_HOST = \"$host\": a host name or address" ;; esac
port="${DASHBOARD_MQTT_PORT:-1883}"
is_uint "$port" && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "DASHBOARD_MQTT_PORT = \"$port\": 1-65535"
listen_port="${LISTEN_PORT:-1883}"
is_uint "$listen_port" && [ "$listen_port" -ge 1 ] && [ "$listen_port" -le 65535 ] || fail "LISTEN_PORT = \"$listen_port\": 1-65535"
listen_address="${LISTEN_ADDRESS:-127.0.0.1}"
case "$listen_address" in ''|*[!0-9A-Fa-f.:]*) fail "LISTEN_ADDRESS = \"$listen_address\": an IP address" ;; esac
data_dir="${DATA_DIR:-/var/lib/mosquitto}"
case "$data_dir" in /*) ;; *) fail "DATA_DIR = \"$data_dir\": an absolute path" ;; esac
max_queued="${MAX_QUEUED_MESSAGES:-200000}"
is_uint "$max_queued" && [ "$max_queued" -ge 1 ] || fail "MAX_QUEUED_MESSAGES = \"$max_queued\": a count >= 1"
keepalive="${BRIDGE_KEEPALIVE:-10}"
is_uint "$keepalive" && [ "$keepalive" -ge 5 ] || fail "BRIDGE_KEEPALIVE = \"$keepalive\": seconds >= 5"
bridge_ipls="${BRIDGE_IPLS:-0}"
case "$bridge_ipls" in 0|1) ;; *) fail "BRIDGE_IPLS = \"$bridge_ipls\": 0 or 1" ;; esac
user="${BRIDGE_USERNAME:-}"
case "$user" in *[[:space:]]*) fail "BRIDGE_USERNAME must not contain spaces" ;; esac
password=""
if [ -n "${BRIDGE_PASSWORD_FILE:-}" ]; then
  [ -r "$BRIDGE_PASSWORD_FILE" ] || fail "BRIDGE_PASSWORD_FILE = \"$BRIDGE_PASSWORD_FILE\": not readable"
  password=$(cat "$BRIDGE_PASSWORD_FILE")
  [ -n "$password" ] || fail "BRIDGE_PASSWORD_FILE = \"$BRIDGE_PASSWORD_FILE\": empty"
  case "$password" in *[[:space:]]*) fail "BRIDGE_PASSWORD_FILE: the password must not contain white space (mosquitto.conf cannot quote it)" ;; esac
  [ -n "$user" ] || fail "BRIDGE_PASSWORD_FILE is set but BRIDGE_USERNAME is not"
fi
[ -r "$base" ] || fail "$base: not readable"

tmp="$out.tmp.$$"
umask 077
{
  cat "$base"
  cat <<CONF

# ---- rendered by render-conf.sh for vehicle $vehicle ----
listener $listen_port $listen_address
persistence_location ${data_dir%/}/
max_queued_messages $max_queued

# The bridge: a persistent session on both sides (cleansession false), so what the dashboard has not
# acknowledged stays queued here, on disk, across outages and restarts, and goes out in order.
connection ipls-dashboard
address $host:$port
remote_clientid ipls-bridge-v$vehicle
local_clientid ipls-bridge-v$vehicle.local
cleansession false
local_cleansession false
# Our embedded broker (MQTTnet) is a plain MQTT 3.1.1 broker: no bridge flag (try_private) needed.
bridge_protocol_version mqttv311
try_private false
notifications false
bridge_attempt_unsubscribe false
keepalive_interval $keepalive
# Reconnect after 1 s, backing off (with jitter) to 10 s.
restart_timeout 1 10
start_type automatic
CONF
  if [ -n "$user" ]; then
    echo "remote_username $user"
  fi
  if [ -n "$password" ]; then
    echo "remote_password $password"
  fi
  cat <<CONF
topic v$vehicle/anomaly out 1
topic vehicle/$vehicle out 1
topic vehicle/$vehicle/generator in 1
CONF
  if [ "$bridge_ipls" = 1 ]; then
    echo "topic ipls/# both 1"
  fi
} > "$tmp"
chmod 0600 "$tmp"
mv "$tmp" "$out"
