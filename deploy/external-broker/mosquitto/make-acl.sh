#!/bin/sh
# Writes a mosquitto acl_file with the rights the embedded broker gives (IplsWeb/Identity/TopicPermissions.cs),
# for a fleet on an external mosquitto (Dashboard:Broker:Mode = External). POSIX sh.
#
#   make-acl.sh VEHICLES [DASHBOARD_USER] > acl      then in mosquitto.conf: acl_file /path/acl
#
# VEHICLES         vehicles 1..VEHICLES get a block each (user vehicle-{n})
# DASHBOARD_USER   the dashboard's user (Dashboard:Broker:External:Username; default ipls-dashboard)
#
# mosquitto's pattern substitution (%u, %c) cannot turn the user name vehicle-3 into the topics vehicle/3
# and v3/anomaly, so each vehicle gets its own lines. Anything not listed is refused.
set -eu

fail() { echo "make-acl.sh: $*" >&2; exit 2; }
vehicles="${1:-}"
case "$vehicles" in ''|*[!0-9]*) fail "usage: make-acl.sh VEHICLES [DASHBOARD_USER] (VEHICLES: a count >= 1)" ;; esac
[ "$vehicles" -ge 1 ] || fail "VEHICLES = $vehicles: at least 1"
dashboard="${2:-ipls-dashboard}"
case "$dashboard" in ''|*[[:space:]]*) fail "DASHBOARD_USER = \"$dashboard\": a user name without spaces" ;; esac

cat <<HEAD
# The dashboard: reads every vehicle's scores and sensor data, switches generators; never speaks for a vehicle.
user $dashboard
topic read +/anomaly
topic read vehicle/+
topic write vehicle/+/generator
HEAD

n=1
while [ "$n" -le "$vehicles" ]; do
  cat <<VEHICLE

# Vehicle $n: its data and scores, its generator commands, and IPLS.
user vehicle-$n
topic readwrite vehicle/$n
topic write v$n/anomaly
topic read vehicle/$n/generator
topic readwrite ipls/#
VEHICLE
  n=$((n + 1))
done
