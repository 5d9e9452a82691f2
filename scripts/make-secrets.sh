#!/usr/bin/env bash
# Makes the fleet's secrets for docker-compose.yml (and for devices, see docs/deployment.md):
#
#   DIR/swarm_key                  Kubo private-network key: only nodes holding it can join the swarm
#   DIR/fleet_token                fleet secret: signs IPLS messages; agents authenticate to the dashboard with it
#   DIR/dashboard_admin_password   dashboard sign-in password
#   DIR/broker_password            the operator's password on the dashboard's MQTT broker (user "ipls"):
#                                  reads everything, publishes generator commands only; not for devices
#   DIR/identity_key               the dashboard's identity key (Dashboard:Identity:Key): vehicle
#                                  credentials derive from it
#   DIR/vehicle_{n}_credential     vehicle n's broker password (user "vehicle-{n}"), for its agent and
#                                  its device broker's bridge; derived from identity_key (generation 0),
#                                  as the dashboard derives it, for each n of --vehicles
#   DIR/kubo_bootstrap_identity    the bootstrap Kubo node's libp2p key (PeerID=..., PrivKey=...)
#   ENV_FILE                       IPLS_BOOTSTRAP_PEER_ID=<its peer id>: public; docker-compose reads it
#                                  for variable substitution, so peers can dial /p2p/<id>
#
#   scripts/make-secrets.sh [--force] [--dir DIR] [--env-file FILE] [--vehicles "N ..."]
#       defaults: DIR = deploy/secrets, FILE = .env (both git-ignored and docker-ignored),
#                 vehicles "1 2 3 4 900" (the compose files' vehicles and the bootstrapper's 900)
#
# Existing files are kept (a second run changes nothing) unless --force: replacing the swarm key,
# fleet token or identity key means redistributing them to every device. The vehicle credentials are
# written every run (they follow from identity_key). Needs bash and openssl only.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/libp2p-identity.sh
. scripts/lib/libp2p-identity.sh
# shellcheck source=scripts/lib/vehicle-credential.sh
. scripts/lib/vehicle-credential.sh

dir=deploy/secrets
env_file=.env
force=false
vehicles="1 2 3 4 900"
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=true ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift ;;
    --vehicles) vehicles=${2?--vehicles needs a list of vehicle numbers}; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-secrets: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in $vehicles; do
  case "$n" in ''|*[!0-9]*|0*) echo "make-secrets: --vehicles: '$n' is not a vehicle number (1-99999)" >&2; exit 2 ;; esac
  [ "$n" -le 99999 ] || { echo "make-secrets: --vehicles: '$n' is not a vehicle number (1-99999)" >&2; exit 2; }
done
command -v openssl >/dev/null 2>&1 || { echo "make-secrets: openssl is needed (Debian: apt-get install openssl)" >&2; exit 1; }

umask 077
mkdir -p "$dir"
# The directory keeps other users of this machine out. The files must be readable by the containers'
# own users (uid 1654 for the .NET images, 1000 for Kubo): compose bind-mounts them as they are.
chmod 0700 "$dir"

random_text() { # BYTES -> base64url without padding
  openssl rand -base64 "$1" | tr -d '\n=' | tr '+/' '-_'
}


made=()
write() { # NAME CONTENT
  local path="$dir/$1"
  if [ -e "$path" ] && ! $force; then
    return
  fi
  printf '%s\n' "$2" > "$path.tmp"
  chmod 0644 "$path.tmp"
  mv "$path.tmp" "$path"
  made+=("$1")
}

write swarm_key "$(printf '/key/swarm/psk/1.0.0/\n/base16/\n%s' "$(openssl rand -hex 32)")"
write fleet_token "$(random_text 32)"
write dashboard_admin_password "$(random_text 18)"
write broker_password "$(random_text 24)"
write kubo_bootstrap_identity "$(libp2p_new_identity)"
write identity_key "$(random_text 32)"

identity_key=$(cat "$dir/identity_key")
[ ${#identity_key} -ge 32 ] || { echo "make-secrets: $dir/identity_key: at least 32 characters (the dashboard refuses a shorter key)" >&2; exit 1; }
credentials=()
for n in $vehicles; do
  path="$dir/vehicle_${n}_credential"
  printf '%s\n' "$(vehicle_credential "$identity_key" "$n")" > "$path.tmp"
  chmod 0644 "$path.tmp"
  mv "$path.tmp" "$path"
  credentials+=("$n")
done

peer_id=$(sed -n 's/^PeerID=//p' "$dir/kubo_bootstrap_identity")
[ -n "$peer_id" ] || { echo "make-secrets: $dir/kubo_bootstrap_identity has no PeerID line" >&2; exit 1; }
# Keep other settings of the env file; replace only this line.
touch "$env_file"
grep -v '^IPLS_BOOTSTRAP_PEER_ID=' "$env_file" > "$env_file.tmp" || true
printf 'IPLS_BOOTSTRAP_PEER_ID=%s\n' "$peer_id" >> "$env_file.tmp"
chmod 0644 "$env_file.tmp"
mv "$env_file.tmp" "$env_file"

if [ ${#made[@]} -eq 0 ]; then
  echo "make-secrets: all secrets already in $dir (use --force to replace them)"
else
  echo "make-secrets: wrote ${made[*]} in $dir"
fi
[ ${#credentials[@]} -eq 0 ] || echo "make-secrets: vehicle credentials (users vehicle-N) for ${credentials[*]} in $dir"
echo "make-secrets: bootstrap Kubo peer id $peer_id (in $env_file)"
