# shellcheck shell=bash
# Vehicle n's broker password as the dashboard derives it (IplsWeb/Identity/VehicleCredentials.cs):
# base64url without padding of HMAC-SHA256(key = the identity key's UTF-8 bytes,
# message = "ipls vehicle credential v1/{n}/{generation}"). Needs openssl. Sourced by
# scripts/make-secrets.sh and scripts/fleet-lab.sh; tests/IplsWeb.Tests checks it against the dashboard.
#
#   vehicle_credential KEY VEHICLE [GENERATION]     prints the password (generation default 0)
vehicle_credential() {
  printf 'ipls vehicle credential v1/%s/%s' "$2" "${3:-0}" \
    | openssl dgst -sha256 -mac HMAC -macopt "key:$1" -binary | openssl base64 -A | tr -d '=' | tr '+/' '-_'
}
