#!/bin/sh
# Starts the dashboard with its secrets read from files (compose secrets under /run/secrets), so no
# secret is in the image, the compose file or `docker inspect`. A value already set in the
# environment wins; a missing file leaves the setting unset (the dashboard then says what it needs).
set -eu

from_file() { # VARIABLE FILE
  if [ -z "$(printenv "$1" || true)" ] && [ -r "$2" ]; then
    value=$(cat "$2")
    export "$1=$value"
  fi
}

from_file Dashboard__FleetToken "${DASHBOARD_FLEET_TOKEN_FILE:-/run/secrets/fleet_token}"
from_file Dashboard__AdminPassword "${DASHBOARD_ADMIN_PASSWORD_FILE:-/run/secrets/dashboard_admin_password}"
from_file Dashboard__BrokerPassword "${DASHBOARD_BROKER_PASSWORD_FILE:-/run/secrets/broker_password}"
# The key every vehicle's broker credential derives from (scripts/make-secrets.sh derives the same).
from_file Dashboard__Identity__Key "${DASHBOARD_IDENTITY_KEY_FILE:-/run/secrets/identity_key}"
# The dashboard's password on an external broker (Dashboard:Broker:Mode = External).
from_file Dashboard__Broker__External__Password "${DASHBOARD_EXTERNAL_BROKER_PASSWORD_FILE:-/run/secrets/external_broker_password}"

exec dotnet /app/IplsWeb.dll "$@"
