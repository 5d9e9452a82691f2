#!/usr/bin/env bash
# CI check of IPLS over a real IPFS network: js-ipfs 0.66.1 daemons (scripts/ipfs-dev.sh; Kubo cannot be
# installed here), then
#   1. the KuboLive tests against daemon 0 (scripts/kubo-live-tests.sh), all must pass;
#   2. the IpfsFleet test: a bootstrapper and 3 peers with transport: ipfs on 4 daemons train, a late
#      joiner is synchronized by CID, and one daemon is restarted under the fleet.
# The daemons are stopped (by PID) whatever happens. Exits non-zero with "ipfs-check: FAILED: ..." on failure.
#
#   scripts/ipfs-check.sh        # js-ipfs cached in ${IPLS_IPFS_HOME:-/var/cache/ipls/js-ipfs}
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

START=$(date +%s)
TIMINGS=()
fail() { printf 'ipfs-check: FAILED: %s\n' "$*" >&2; exit 1; }
step() { STEP_NAME="$1"; STEP_START=$(date +%s); printf '\n== %s\n' "$1"; }
done_step() { TIMINGS+=("$(printf '%-34s %4d s' "$STEP_NAME" $(( $(date +%s) - STEP_START )))"); }

need=()
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v flock >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "ipfs-check: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

STATE=$(mktemp -d /tmp/ipls-ipfs-check.XXXXXX)
cleanup() {
  scripts/ipfs-dev.sh stop --state "$STATE" >/dev/null 2>&1 || true
  # Keep the daemons' logs with the artifacts; the repos go.
  mkdir -p artifacts/ipfs-check && cp "$STATE"/n*.log artifacts/ipfs-check/ 2>/dev/null || true
  rm -rf "$STATE"
}
trap cleanup EXIT

step "install js-ipfs (cached)"
scripts/ipfs-dev.sh install || fail "js-ipfs install"
done_step

step "start 4 daemons"
scripts/ipfs-dev.sh start 4 --state "$STATE" || fail "the daemons did not start"
eval "$(scripts/ipfs-dev.sh print-env --state "$STATE")"
done_step

step "build tests (Release)"
dotnet build tests/IplsCore.Tests -c Release -v q -nologo || fail "build of tests/IplsCore.Tests"
dotnet build tests/IplsAgent.Tests -c Release -v q -nologo || fail "build of tests/IplsAgent.Tests"
done_step

step "KuboLive tests on daemon 0"
set +e
IPLS_TEST_NO_BUILD=1 scripts/kubo-live-tests.sh "$IPLS_KUBO_API"
live=$?
set -e
done_step

step "IpfsFleet test on 4 daemons"
fleet_log="$STATE/fleet-test.log"
set +e
dotnet test tests/IplsAgent.Tests -c Release --no-build --filter "Category=IpfsFleet" --logger "console;verbosity=normal" 2>&1 | tee "$fleet_log"
fleet=${PIPESTATUS[0]}
set -e
# A skipped fleet test (no daemons in the environment) must not pass for a run one.
if [ "$fleet" -eq 0 ] && ! grep -Eq '^\s*Passed: [1-9]' "$fleet_log"; then fleet=3; echo "ipfs-check: the IpfsFleet test did not run" >&2; fi
done_step

printf '\nipfs-check timings:\n'
printf '  %s\n' "${TIMINGS[@]}"
printf '  %-34s %4d s\n' "total" $(( $(date +%s) - START ))
[ "$live" -eq 0 ] || fail "KuboLive tests against js-ipfs (exit $live)"
[ "$fleet" -eq 0 ] || fail "IpfsFleet test (exit $fleet)"
echo "ipfs-check: passed"
