#!/bin/sh
# Makes a Kubo node a member of the fleet's private swarm and nothing else. Runs before every start
# of the daemon: in the Docker image from /container-init.d (after `ipfs init` on a new repo), under
# Apptainer from ipls-start.sh. Every start re-applies it, so changing a secret or the bootstrap list
# and restarting is enough.
#
# Environment:
#   IPFS_PATH                  the repo (set by the image)
#   LIBP2P_FORCE_PNET=1        must be set for the daemon itself (the image sets it): no key, no start
#   IPLS_SWARM_KEY_FILE        swarm key to install as $IPFS_PATH/swarm.key (default /run/secrets/swarm_key)
#   IPLS_KUBO_BOOTSTRAP        bootstrap multiaddrs with /p2p/<peer id>, separated by spaces or commas;
#                              they replace the public bootstrap list and become permanent peerings
#   IPLS_KUBO_IDENTITY_FILE    optional: a fixed identity (lines PeerID=... and PrivKey=...) made by
#                              scripts/make-secrets.sh, for the bootstrap node whose id others must know
#   IPLS_KUBO_PEER_ID          optional: the peer id this node must have (checked against the identity file)
#   IPLS_KUBO_API              RPC API address (default /ip4/0.0.0.0/tcp/5001: the container's networks only,
#                              never published; Apptainer shares the host network and uses 127.0.0.1)
set -eu

fail() { echo "ipls-kubo: $*" >&2; exit 1; }

: "${IPFS_PATH:?IPFS_PATH is not set}"
[ -f "$IPFS_PATH/config" ] || fail "no Kubo repo at $IPFS_PATH (run ipfs init first)"
[ "${LIBP2P_FORCE_PNET:-}" = "1" ] || fail "LIBP2P_FORCE_PNET=1 must be set, so the daemon refuses to run without the swarm key"

# 1. The swarm key, from the secret. Replaced at every start (key rotation = new secret + restart).
key_file="${IPLS_SWARM_KEY_FILE:-/run/secrets/swarm_key}"
[ -r "$key_file" ] || fail "swarm key $key_file is missing or unreadable (scripts/make-secrets.sh makes one)"
[ "$(head -n 1 "$key_file")" = "/key/swarm/psk/1.0.0/" ] || fail "$key_file is not a swarm key (first line must be /key/swarm/psk/1.0.0/)"
rm -f "$IPFS_PATH/swarm.key"
cp "$key_file" "$IPFS_PATH/swarm.key"
chmod 0400 "$IPFS_PATH/swarm.key"

# 2. A fixed identity (bootstrap node). `ipfs config` refuses to touch the private key, so the repo's
#    config file is edited before the daemon starts; the daemon checks that key and id belong together.
if [ -n "${IPLS_KUBO_IDENTITY_FILE:-}" ]; then
  [ -r "$IPLS_KUBO_IDENTITY_FILE" ] || fail "identity file $IPLS_KUBO_IDENTITY_FILE is missing or unreadable"
  id=$(sed -n 's/^PeerID=//p' "$IPLS_KUBO_IDENTITY_FILE")
  key=$(sed -n 's/^PrivKey=//p' "$IPLS_KUBO_IDENTITY_FILE")
  [ -n "$id" ] && [ -n "$key" ] || fail "$IPLS_KUBO_IDENTITY_FILE needs a PeerID= and a PrivKey= line"
  if [ -n "${IPLS_KUBO_PEER_ID:-}" ] && [ "$IPLS_KUBO_PEER_ID" != "$id" ]; then
    fail "IPLS_KUBO_PEER_ID ($IPLS_KUBO_PEER_ID) is not the id in $IPLS_KUBO_IDENTITY_FILE ($id): make-secrets.sh writes both, use the same run's"
  fi
  sed -i -e "s|\"PeerID\": \"[^\"]*\"|\"PeerID\": \"$id\"|" -e "s|\"PrivKey\": \"[^\"]*\"|\"PrivKey\": \"$key\"|" "$IPFS_PATH/config"
  grep -q "\"PeerID\": \"$id\"" "$IPFS_PATH/config" || fail "could not set the identity in $IPFS_PATH/config"
fi
self=$(ipfs config Identity.PeerID)

# 3. Private-network settings (Kubo 0.37+): no AutoConf (it refuses a swarm key with the public
#    default), DHT routing, no AutoTLS, TCP only (pnet does not work over QUIC/WebTransport/WebRTC, and
#    WebSocket would share the TCP port, which pnet does not support), no mDNS, pubsub on (IPLS runs on it).
ipfs config profile apply autoconf-off >/dev/null
ipfs config Routing.Type dht
ipfs config --json AutoTLS.Enabled false
ipfs config --json Swarm.Transports.Network.Websocket false
ipfs config --json Addresses.Swarm '["/ip4/0.0.0.0/tcp/4001"]'
ipfs config --json Discovery.MDNS.Enabled false
ipfs config --json Pubsub.Enabled true
ipfs config Addresses.API "${IPLS_KUBO_API:-/ip4/0.0.0.0/tcp/5001}"
ipfs config Addresses.Gateway /ip4/127.0.0.1/tcp/8080

# 4. Bootstrap: the public list goes, the fleet's bootstrap nodes come in, also as peerings (protected,
#    reconnecting links: pubsub only talks over open connections, DHT discovery is slow in a small swarm).
ipfs bootstrap rm all >/dev/null
peering=""
count=0
for address in $(printf '%s' "${IPLS_KUBO_BOOTSTRAP:-}" | tr ',' ' '); do
  case "$address" in
    */p2p/*) ;;
    *) fail "bootstrap address '$address' has no /p2p/<peer id>" ;;
  esac
  peer=${address##*/p2p/}
  [ "$peer" = "$self" ] && continue
  ipfs bootstrap add "$address" >/dev/null
  peering="${peering:+$peering,}{\"ID\":\"$peer\",\"Addrs\":[\"${address%/p2p/*}\"]}"
  count=$((count + 1))
done
ipfs config --json Peering.Peers "[$peering]"

echo "ipls-kubo: peer $self, private swarm key installed, pubsub on, $count bootstrap peer(s), API on $(ipfs config Addresses.API)"
