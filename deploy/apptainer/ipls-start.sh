#!/bin/sh
# Apptainer instance entry: the device's own Kubo node, then the agent; a stop (SIGTERM) lets the
# agent leave the fleet and checkpoint before Kubo shuts down. Docker runs the two as separate
# containers instead (docker-compose.yml).
set -eu

fail() { echo "ipls-start: $*" >&2; exit 1; }

mkdir -p "$IPFS_PATH" "$IPLS_stateDirectory"
if [ ! -f "$IPFS_PATH/config" ]; then
  ipfs init --empty-repo >/dev/null
fi
/opt/ipls/kubo-init.sh

ipfs daemon --migrate=true --agent-version-suffix=ipls &
kubo=$!

# The agent needs the RPC API; the daemon opens it once the repo is loaded.
tries=0
until ipfs --api="$IPLS_KUBO_API" id >/dev/null 2>&1; do
  kill -0 "$kubo" 2>/dev/null || fail "the Kubo daemon exited (see its output above)"
  tries=$((tries + 1))
  [ "$tries" -le 120 ] || fail "the Kubo RPC API at $IPLS_KUBO_API did not come up within 60 s"
  sleep 0.5
done

/opt/ipls/agent/ipls-agent run "$@" &
agent=$!
trap 'kill -TERM "$agent" 2>/dev/null || true' TERM INT

# The first wait returns early when the trap fires; the second waits for the agent's graceful stop.
status=0
wait "$agent" || status=$?
if kill -0 "$agent" 2>/dev/null; then
  status=0
  wait "$agent" || status=$?
fi

kill -TERM "$kubo" 2>/dev/null || true
wait "$kubo" || true
exit "$status"
