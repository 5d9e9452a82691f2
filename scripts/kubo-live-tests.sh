#!/usr/bin/env bash
# Runs the Kubo transport's live-daemon tests (tests/IplsCore.Tests, trait Category=KuboLive)
# against a real IPFS daemon instead of the in-test fake: Kubo, or js-ipfs 0.66.1 as CI runs it
# (scripts/ipfs-dev.sh start 1, then pass its API address).
#
#   scripts/kubo-live-tests.sh [API_MULTIADDR]      default: $IPLS_KUBO_API, else /ip4/127.0.0.1/tcp/5001
#
# The daemon must run Kubo 0.11 or newer (or js-ipfs 0.66) with pubsub on (Pubsub.Enabled=true, or the old
# --enable-pubsub-experiment flag). Exit codes: 0 tests passed, 1 tests failed, 2 no usable daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

api="${1:-${IPLS_KUBO_API:-/ip4/127.0.0.1/tcp/5001}}"

# The multiaddr forms the agent accepts (IplsCore/Transport/Kubo/KuboApiAddress.cs), to a base URL.
IFS=/ read -r _ proto host tcp port scheme extra <<<"$api"
case "$proto" in
  ip4|dns|dns4|dns6) ;;
  ip6) host="[$host]" ;;
  *) echo "kubo-live-tests: $api: only /ip4, /ip6, /dns, /dns4 or /dns6 .../tcp/PORT API addresses are supported" >&2; exit 2 ;;
esac
if [ "$tcp" != "tcp" ] || ! [[ "$port" =~ ^[0-9]+$ ]] || [ -n "${extra:-}" ] || ! [[ "${scheme:-http}" =~ ^(http|https)$ ]]; then
  echo "kubo-live-tests: $api: expected /PROTO/HOST/tcp/PORT (optionally /http or /https)" >&2
  exit 2
fi
url="${scheme:-http}://$host:$port"

if ! command -v curl >/dev/null 2>&1; then
  echo "kubo-live-tests: curl is needed to probe the daemon (apt-get install curl)" >&2
  exit 2
fi

# Kubo's RPC API takes POST only; a daemon answers /api/v0/version with its version JSON.
if ! version=$(curl -sS -X POST --max-time 5 "$url/api/v0/version" 2>&1); then
  echo "kubo-live-tests: no IPFS daemon answers at $url ($version)" >&2
  echo "kubo-live-tests: start one (ipfs daemon, or scripts/ipfs-dev.sh start 1), or pass its API multiaddr" >&2
  exit 2
fi
if ! grep -q '"Version"' <<<"$version"; then
  echo "kubo-live-tests: $url/api/v0/version did not answer like Kubo or js-ipfs: $version" >&2
  exit 2
fi
echo "kubo-live-tests: $url answers $version"

# pubsub/ls answers 500 "experimental pubsub feature not enabled ..." when pubsub is off.
ls_answer=$(curl -sS -X POST --max-time 5 "$url/api/v0/pubsub/ls" 2>&1 || true)
if grep -q 'not enabled' <<<"$ls_answer" || ! grep -q '"Strings"' <<<"$ls_answer"; then
  echo "kubo-live-tests: pubsub is not usable on $url: $ls_answer" >&2
  echo "kubo-live-tests: run 'ipfs config --json Pubsub.Enabled true' and restart the daemon" >&2
  exit 2
fi

export IPLS_KUBO_API="$api"
set +e
# IPLS_TEST_NO_BUILD=1: the caller has built the tests in Release already (scripts/ipfs-check.sh).
dotnet test tests/IplsCore.Tests -c Release ${IPLS_TEST_NO_BUILD:+--no-build} --filter "Category=KuboLive" --logger "console;verbosity=normal"
status=$?
set -e
[ "$status" -eq 0 ] || exit 1
