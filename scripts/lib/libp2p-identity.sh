# libp2p identities for Kubo from openssl alone (sourced by make-secrets.sh; bash).
#
# A Kubo identity is an Ed25519 key pair. Its config stores the private key as base64 of the libp2p
# protobuf PrivateKey {Type: Ed25519 (1), Data: seed || public key} = 08 01 12 40 <64 bytes>; the
# peer id is the identity multihash (00, length 0x24) of the protobuf PublicKey 08 01 12 20 <32 bytes>,
# written in base58btc ("12D3KooW...").

# Prints the bytes of a hex string.
libp2p_hex_to_bytes() {
  printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

# Prints the lowercase hex of the bytes on standard input.
libp2p_bytes_to_hex() {
  od -An -v -tx1 | tr -d ' \n'
}

# Base58btc (Bitcoin alphabet) of a hex string, by long division of the byte array by 58.
libp2p_base58_from_hex() {
  local hex=$1 alphabet=123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz
  local -a digits=() next=()
  local i out="" zeros=0 remainder accumulator quotient byte
  for ((i = 0; i < ${#hex}; i += 2)); do digits+=($((16#${hex:i:2}))); done
  for byte in "${digits[@]}"; do
    [ "$byte" -eq 0 ] || break
    zeros=$((zeros + 1))
  done
  while [ ${#digits[@]} -gt 0 ]; do
    next=()
    remainder=0
    for byte in "${digits[@]}"; do
      accumulator=$((remainder * 256 + byte))
      quotient=$((accumulator / 58))
      remainder=$((accumulator % 58))
      if [ ${#next[@]} -gt 0 ] || [ "$quotient" -ne 0 ]; then next+=("$quotient"); fi
    done
    out="${alphabet:remainder:1}$out"
    digits=("${next[@]}")
  done
  for ((i = 0; i < zeros; i++)); do out="1$out"; done
  printf '%s\n' "$out"
}

# The peer id of a 32-byte Ed25519 public key given in hex.
libp2p_peer_id_from_public_hex() {
  [ ${#1} -eq 64 ] || { echo "libp2p: an Ed25519 public key is 32 bytes (64 hex digits)" >&2; return 1; }
  libp2p_base58_from_hex "002408011220$1"
}

# Generates an identity with openssl and prints two lines: PeerID=<id> and PrivKey=<base64>.
libp2p_new_identity() {
  local dir status=0
  dir=$(mktemp -d)
  libp2p_identity_in "$dir" || status=$?
  rm -rf "$dir"
  return "$status"
}

libp2p_identity_in() {
  local dir=$1 seed public
  openssl genpkey -algorithm ed25519 -outform DER -out "$dir/key.der" 2>/dev/null || { echo "libp2p: openssl cannot make Ed25519 keys" >&2; return 1; }
  openssl pkey -inform DER -in "$dir/key.der" -pubout -outform DER -out "$dir/public.der" 2>/dev/null || return 1
  # PKCS#8 of an Ed25519 key: a fixed 16-byte header, then the 32-byte seed; the SPKI public key: 12 bytes, then 32.
  [ "$(head -c 16 "$dir/key.der" | libp2p_bytes_to_hex)" = "302e020100300506032b657004220420" ] || { echo "libp2p: unexpected private key encoding from openssl" >&2; return 1; }
  [ "$(head -c 12 "$dir/public.der" | libp2p_bytes_to_hex)" = "302a300506032b6570032100" ] || { echo "libp2p: unexpected public key encoding from openssl" >&2; return 1; }
  seed=$(tail -c 32 "$dir/key.der" | libp2p_bytes_to_hex)
  public=$(tail -c 32 "$dir/public.der" | libp2p_bytes_to_hex)
  printf 'PeerID=%s\n' "$(libp2p_peer_id_from_public_hex "$public")"
  printf 'PrivKey=%s\n' "$(libp2p_hex_to_bytes "08011240$seed$public" | base64 | tr -d '\n')"
}
