#!/usr/bin/env bash
# Builds and runs the project's containers on this machine, as a user of docs/deployment.md would:
# the agent image for linux/amd64 and linux/arm64 and the dashboard image from deploy/*/Dockerfile,
# `self-check` in both agent images (arm64 under qemu via binfmt_misc), then the MQTT-only fleet of
# docker-compose.mqtt.yml (dashboard, bootstrapper, vehicles 1 and 2, each vehicle with its own
# mosquitto bridged to the dashboard's broker), and checks it: every service healthy, scores of both
# vehicles on the dashboard's broker (the vehicles signed in as vehicle-{n} with their own credentials,
# which may not speak for another vehicle), no process as root, secrets only as files, an agent killed with
# SIGKILL comes back as the same peer, `docker-compose down` keeps the named volumes with the state.
#
#   scripts/container-check.sh [--json] [--keep]
#       --json   one JSON object on stdout at the end (the log goes to stderr)
#       --keep   leave the fleet, its volumes and the built images (for looking around)
#
# Needs root (or sudo). Installs docker.io, docker-compose, qemu-user-static, binfmt-support and
# debootstrap when missing, mounts binfmt_misc, starts dockerd when none runs (and stops only that
# one). Without a reachable registry the base images are stand-ins made from Debian packages and the
# host's .NET SDK and Node, tagged with the official names (label ipls.stand-in=1) and kept across
# runs, as is BuildKit's layer cache (NuGet and npm restores). Everything else it made (containers,
# networks, volumes, the built images) is removed at the end. Exit 0 only when every check passed.
set -euo pipefail
# One compound command: bash reads all of it before running any, so editing this file while it runs
# (it takes minutes) cannot change what runs.
{
cd "$(dirname "$0")/.."
ROOT=$PWD

JSON=false
KEEP=false
for arg in "$@"; do
  case "$arg" in
    --json) JSON=true ;;
    --keep) KEEP=true ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "container-check: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

# Debian's docker CLI (20.10) has BuildKit built in; a newer CLI without buildx (as some machines
# have in /usr/local/bin) falls back to the legacy builder, which cannot build our Dockerfiles.
export PATH="/usr/bin:/usr/sbin:/bin:/sbin:$PATH"
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

CACHE=/var/cache/ipls-container-check
PROJECT=iplscheck
AGENT_AMD64=ipls-agent:check-amd64
AGENT_ARM64=ipls-agent:check-arm64
DASHBOARD=ipls-dashboard:check
WORK=$(mktemp -d /tmp/ipls-container-check.XXXXXX)
chmod 0755 "$WORK" # apt-get download runs as _apt
START=$(date +%s)
TIMINGS=()
FAILURES=()

log() { printf 'container-check: %s\n' "$*" >&2; }
step() { STEP_NAME="$1"; STEP_START=$(date +%s); printf '\n== %s\n' "$1" >&2; }
done_step() { TIMINGS+=("$(printf '%-34s %5d s' "$STEP_NAME" $(( $(date +%s) - STEP_START )))"); }
fail() { log "FAILED: $*"; FAILURES+=("$*"); }
die() { log "FAILED: $*"; FAILURES+=("$*"); exit 1; }
# Quiet unless it fails: then its output goes to the log.
quiet() { local out; if ! out=$("$@" 2>&1); then printf '%s\n' "$out" >&2; return 1; fi; }

# JSON results, filled in as the checks run.
declare -A IMG_OK=([agent-amd64]=false [agent-arm64]=false [dashboard]=false)
declare -A IMG_MB=([agent-amd64]=null [agent-arm64]=null [dashboard]=null)
SELF_AMD64=false SELF_ARM64=false
HEALTHY_S=null VEHICLES_SCORING=0 NONROOT=false SECRETS_FILES=false RESTART_SAME_PEER=false VOLUMES_KEPT=false
PER_VEHICLE=false STAND_INS=false ALL_OK=true BIND_MOUNT_ERROR=false IPLS_VERSIONS="" IPLS_MAX=0

STARTED_DOCKERD=""
compose() { docker-compose -p "$PROJECT" -f "$ROOT/docker-compose.mqtt.yml" --env-file "$WORK/fleet.env" "$@"; }

cleanup() {
  local status=$?
  set +e
  if [ "$KEEP" = false ] && [ -f "$WORK/fleet.env" ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    compose down -v --remove-orphans >/dev/null 2>&1
    docker image rm -f "$AGENT_AMD64" "$AGENT_ARM64" "$DASHBOARD" >/dev/null 2>&1
  fi
  if [ -n "$STARTED_DOCKERD" ]; then
    log "stopping the dockerd this script started (pid $STARTED_DOCKERD)"
    $SUDO kill "$STARTED_DOCKERD" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 1; done
    network_restore
  fi
  if declare -F binfmt_restore >/dev/null; then binfmt_restore; fi
  rm -rf "$WORK"
  if [ ${#FAILURES[@]} -gt 0 ] || [ "$status" -ne 0 ]; then ALL_OK=false; fi
  if [ "$JSON" = true ]; then print_json; fi
  printf '\n== timings\n' >&2
  printf '%s\n' "${TIMINGS[@]}" >&2
  printf '%-34s %5d s\n' "total" $(( $(date +%s) - START )) >&2
  if [ ${#FAILURES[@]} -gt 0 ] || [ "$status" -ne 0 ]; then
    log "FAILED (${#FAILURES[@]} check(s)): ${FAILURES[*]:-exit $status}"
    [ "$status" -ne 0 ] || status=1
  else
    log "all checks passed"
  fi
  exit "$status"
}
trap cleanup EXIT
# In --json mode stdout carries the JSON only.
if [ "$JSON" = true ]; then exec 3>&1 1>&2; fi
print_json() { _print_json >&3; }
_print_json() {
  printf '{"images":{"agent-amd64":{"ok":%s,"mb":%s},"agent-arm64":{"ok":%s,"mb":%s},"dashboard":{"ok":%s,"mb":%s}},' \
    "${IMG_OK[agent-amd64]}" "${IMG_MB[agent-amd64]}" "${IMG_OK[agent-arm64]}" "${IMG_MB[agent-arm64]}" "${IMG_OK[dashboard]}" "${IMG_MB[dashboard]}"
  printf '"selfcheck":{"amd64":%s,"arm64":%s},"bind_mount_error_clear":%s,' "$SELF_AMD64" "$SELF_ARM64" "$BIND_MOUNT_ERROR"
  printf '"compose":{"healthy_s":%s,"vehicles_scoring":%s,"nonroot":%s,"secrets_as_files":%s,"restart_same_peer":%s,"volumes_kept":%s,"per_vehicle_identities":%s,"ipls_partition_version":{%s}},' \
    "$HEALTHY_S" "$VEHICLES_SCORING" "$NONROOT" "$SECRETS_FILES" "$RESTART_SAME_PEER" "$VOLUMES_KEPT" "$PER_VEHICLE" "$IPLS_VERSIONS"
  printf '"stand_in_base_images":%s,"seconds":%d,"ok":%s}\n' "$STAND_INS" $(( $(date +%s) - START )) "$ALL_OK"
}

# ---------------------------------------------------------------------------------------------------
step "packages"
need=()
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
docker --version >&2; docker-compose --version >&2
done_step

step "binfmt_misc (arm64 under qemu)"
# Undone at the end: the machine is left as found.
MOUNTED_BINFMT=false ENABLED_QEMU=false
binfmt_restore() {
  if [ "$ENABLED_QEMU" = true ]; then $SUDO update-binfmts --disable qemu-aarch64 >/dev/null 2>&1 || true; fi
  if [ "$MOUNTED_BINFMT" = true ]; then $SUDO umount /proc/sys/fs/binfmt_misc 2>/dev/null || true; fi
}
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  $SUDO mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && MOUNTED_BINFMT=true
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  $SUDO update-binfmts --enable qemu-aarch64 && ENABLED_QEMU=true || true
fi
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null || die "qemu-aarch64 is not registered in binfmt_misc"
# F: the interpreter is opened at registration, so it works inside containers too.
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64's binfmt entry lacks the F flag"
done_step

step "dockerd"
# A dockerd this script starts changes the host's network (iptables chains and rules, FORWARD policy
# DROP, ip_forward, docker0) and leaves that behind when stopped; it is undone after stopping it.
network_snapshot() {
  FWD_POLICY_BEFORE=$($SUDO iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}')
  IP_FORWARD_BEFORE=$(sysctl -n net.ipv4.ip_forward 2>/dev/null || echo "")
  DOCKER0_BEFORE=$(ip link show docker0 >/dev/null 2>&1 && echo yes || echo no)
  DOCKER_CHAINS_BEFORE=$( { $SUDO iptables -S 2>/dev/null; $SUDO iptables -t nat -S 2>/dev/null; } | grep -c '^-N DOCKER' || true)
}
network_restore() {
  local t rule chain
  if [ "${DOCKER_CHAINS_BEFORE:-1}" = 0 ]; then
    for t in filter nat; do
      $SUDO iptables -t "$t" -S 2>/dev/null | grep '^-A' | grep -E -- '-j DOCKER|docker0|br-[0-9a-f]{12}|^-A DOCKER' | sed 's/^-A /-D /' \
        | while read -r rule; do eval "$SUDO iptables -t $t $rule" 2>/dev/null || true; done
      for chain in $($SUDO iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
        $SUDO iptables -t "$t" -F "$chain" 2>/dev/null || true
      done
      for chain in $($SUDO iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
        $SUDO iptables -t "$t" -X "$chain" 2>/dev/null || true
      done
    done
  fi
  [ -z "${FWD_POLICY_BEFORE:-}" ] || $SUDO iptables -P FORWARD "$FWD_POLICY_BEFORE" 2>/dev/null || true
  [ -z "${IP_FORWARD_BEFORE:-}" ] || $SUDO sysctl -qw "net.ipv4.ip_forward=$IP_FORWARD_BEFORE" || true
  if [ "${DOCKER0_BEFORE:-yes}" = no ]; then $SUDO ip link delete docker0 2>/dev/null || true; fi
}
if ! docker info >/dev/null 2>&1; then
  network_snapshot
  $SUDO mkdir -p "$CACHE"
  log "no dockerd answers: starting one (log in $CACHE/dockerd.log)"
  $SUDO dockerd >"$CACHE/dockerd.log" 2>&1 &
  STARTED_DOCKERD=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || die "dockerd did not start (see $CACHE/dockerd.log)"
fi
docker info --format 'dockerd {{.ServerVersion}}, storage {{.Driver}}, root {{.DockerRootDir}}' >&2
done_step

# ---------------------------------------------------------------------------------------------------
# Base images. The real ones when the registry answers; else stand-ins from Debian and this host.
SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
DEPS_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
NODE_IMAGE=node:22-bookworm-slim
MOSQUITTO_IMAGE=eclipse-mosquitto:2
# runtime-deps for the other architecture is kept under these tags and swapped in for its build
# (the local image store holds one image per name).
DEPS_AMD64=ipls-stand-in/runtime-deps:10.0-amd64
DEPS_ARM64=ipls-stand-in/runtime-deps:10.0-arm64
ROOTFS_IMAGE=ipls-stand-in/bookworm-minbase:1
CA_BUNDLE=""
for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
  [ -s "$f" ] && { CA_BUNDLE=$f; break; }
done
# The host's CA bundle enters builds as a BuildKit secret (never a layer): NuGet and npm inside the
# build then trust what this host trusts (a TLS-inspecting proxy's CA, for instance).
SECRET_ARGS=()
[ -n "$CA_BUNDLE" ] && SECRET_ARGS=(--secret "id=ca_bundle,src=$CA_BUNDLE")

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
image_arch() { docker image inspect -f '{{.Architecture}}' "$1" 2>/dev/null; }
build_stand_in() { # TAG PLATFORM CONTEXT (Dockerfile on stdin)
  docker build -q --platform "$2" --label ipls.stand-in=1 -t "$1" -f - "$3" >/dev/null
}

make_rootfs_image() {
  have_image "$ROOTFS_IMAGE" && return 0
  local tar="$CACHE/bookworm-minbase-amd64.tar"
  if [ ! -s "$tar" ]; then
    log "debootstrap --variant=minbase bookworm (a few minutes, cached in $CACHE)"
    local dir="$CACHE/rootfs-amd64.tmp"
    $SUDO rm -rf "$dir"
    $SUDO debootstrap --variant=minbase \
      --include=ca-certificates,libicu72,libssl3,tzdata,zlib1g,libstdc++6,libgcc-s1 \
      bookworm "$dir" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
      || die "debootstrap failed (see $CACHE/debootstrap.log)"
    # The .NET images' non-root user: app, uid/gid 1654.
    $SUDO chroot "$dir" groupadd -g 1654 app
    $SUDO chroot "$dir" useradd -u 1654 -g 1654 -M -d /home/app -s /usr/sbin/nologin app
    $SUDO rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    $SUDO tar -C "$dir" -cf "$tar.tmp" . && $SUDO mv "$tar.tmp" "$tar"
    $SUDO rm -rf "$dir"
  fi
  mkdir -p "$WORK/rootfs"
  ln "$tar" "$WORK/rootfs/rootfs.tar" 2>/dev/null || cp "$tar" "$WORK/rootfs/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\nCMD ["bash"]\n' | build_stand_in "$ROOTFS_IMAGE" linux/amd64 "$WORK/rootfs"
}

make_deps_arm64() {
  have_image "$DEPS_ARM64" && return 0
  local tar="$CACHE/runtime-deps-arm64.tar"
  if [ ! -s "$tar" ]; then
    log "runtime-deps for arm64 from Debian arm64 packages (dpkg-deb -x, no emulation)"
    dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
    local debs="$WORK/arm64-debs" dir="$WORK/arm64-rootfs"
    mkdir -p "$debs" "$dir"; chmod 0777 "$debs"
    # The runtime's needs, plus sh and find for the image's healthcheck.
    (cd "$debs" && apt-get download -qq libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 \
      libssl3:arm64 libicu72:arm64 dash:arm64 findutils:arm64 coreutils:arm64 libselinux1:arm64 \
      libpcre2-8-0:arm64 libacl1:arm64 libattr1:arm64 libgmp10:arm64 tzdata) \
      || die "apt-get download of the arm64 packages"
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
    ln -sf dash "$dir/bin/sh"
    # Users, groups and CA certificates are architecture-independent: the amd64 rootfs's.
    mkdir -p "$dir/etc/ssl" "$dir/tmp" "$dir/home/app"
    tar -xf "$CACHE/bookworm-minbase-amd64.tar" -C "$dir" ./etc/passwd ./etc/group ./etc/ssl/certs ./etc/os-release ./usr/lib/os-release
    chmod 1777 "$dir/tmp"; chown 1654:1654 "$dir/home/app"
    tar -C "$dir" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
  fi
  mkdir -p "$WORK/deps-arm64"
  ln "$tar" "$WORK/deps-arm64/rootfs.tar" 2>/dev/null || cp "$tar" "$WORK/deps-arm64/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\nENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true\n' \
    | build_stand_in "$DEPS_ARM64" linux/arm64 "$WORK/deps-arm64"
}

make_stand_ins() {
  make_rootfs_image
  if ! have_image "$DEPS_AMD64"; then
    printf 'FROM %s\nENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true\n' "$ROOTFS_IMAGE" \
      | build_stand_in "$DEPS_AMD64" linux/amd64 "$WORK"
  fi
  make_deps_arm64
  local dotnet_root; dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  if ! have_image "$SDK_IMAGE"; then
    log "sdk:10.0 stand-in from this host's .NET SDK ($dotnet_root)"
    printf 'FROM %s\nCOPY . /usr/share/dotnet/\nRUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet\nENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_XMLDOC_MODE=skip DOTNET_RUNNING_IN_CONTAINER=true\n' "$DEPS_AMD64" \
      | build_stand_in "$SDK_IMAGE" linux/amd64 "$dotnet_root"
  fi
  if ! have_image "$ASPNET_IMAGE"; then
    log "aspnet:10.0 stand-in from this host's .NET runtimes"
    mkdir -p "$WORK/aspnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$WORK/aspnet/" 2>/dev/null || cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$WORK/aspnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$WORK/aspnet/shared/"
    printf 'FROM %s\nCOPY . /usr/share/dotnet/\nRUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet\nENV ASPNETCORE_HTTP_PORTS=8080\n' "$DEPS_AMD64" \
      | build_stand_in "$ASPNET_IMAGE" linux/amd64 "$WORK/aspnet"
    rm -rf "$WORK/aspnet"
  fi
  if ! have_image "$NODE_IMAGE"; then
    log "node stand-in from this host's Node $(node --version 2>/dev/null || echo '(missing)') and npm"
    command -v node >/dev/null && [ -d /usr/lib/node_modules/npm ] || die "the node stand-in needs this host's node and npm"
    mkdir -p "$WORK/node/bin" "$WORK/node/lib"
    cp "$(readlink -f "$(command -v node)")" "$WORK/node/bin/node"
    cp -a /usr/lib/node_modules/npm "$WORK/node/lib/npm"
    printf 'FROM %s\nCOPY bin/node /usr/local/bin/node\nCOPY lib/npm /usr/local/lib/node_modules/npm\nRUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx\n' "$ROOTFS_IMAGE" \
      | build_stand_in "$NODE_IMAGE" linux/amd64 "$WORK/node"
    rm -rf "$WORK/node"
  fi
  if ! have_image "$MOSQUITTO_IMAGE"; then
    log "eclipse-mosquitto:2 stand-in: Debian's mosquitto, user mosquitto (1883), /mosquitto/{config,data,log}"
    printf '%s\n' "FROM $ROOTFS_IMAGE" \
      'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients >/dev/null && rm -rf /var/lib/apt/lists/* \' \
      ' && usermod -u 1883 mosquitto && groupmod -g 1883 mosquitto \' \
      ' && mkdir -p /mosquitto/config /mosquitto/data /mosquitto/log && chown -R 1883:1883 /mosquitto \' \
      ' && printf "listener 1883\nallow_anonymous true\n" > /mosquitto/config/mosquitto.conf' \
      'EXPOSE 1883' \
      'CMD ["/usr/sbin/mosquitto", "-c", "/mosquitto/config/mosquitto.conf"]' \
      | build_stand_in "$MOSQUITTO_IMAGE" linux/amd64 "$WORK"
  fi
}

step "base images"
if have_image "$SDK_IMAGE" && have_image "$ASPNET_IMAGE" && have_image "$NODE_IMAGE" && have_image "$MOSQUITTO_IMAGE" \
   && have_image "$DEPS_AMD64" && have_image "$DEPS_ARM64"; then
  log "base images present (cached)"
elif timeout 60 docker pull -q "$DEPS_IMAGE" >/dev/null 2>&1; then
  log "the registry answers: real base images"
  for img in "$SDK_IMAGE" "$ASPNET_IMAGE" "$NODE_IMAGE" "$MOSQUITTO_IMAGE"; do quiet docker pull -q "$img" || die "docker pull $img"; done
  quiet docker pull -q --platform linux/amd64 "$DEPS_IMAGE" && docker tag "$DEPS_IMAGE" "$DEPS_AMD64"
  quiet docker pull -q --platform linux/arm64 "$DEPS_IMAGE" && docker tag "$DEPS_IMAGE" "$DEPS_ARM64"
else
  log "no registry: stand-in base images (kept for the next run)"
  make_stand_ins
fi
[ "$(docker image inspect -f '{{index .Config.Labels "ipls.stand-in"}}' "$SDK_IMAGE" 2>/dev/null)" = 1 ] && STAND_INS=true
[ "$(image_arch "$DEPS_ARM64")" = arm64 ] || die "$DEPS_ARM64 is $(image_arch "$DEPS_ARM64"), not arm64"
done_step

# ---------------------------------------------------------------------------------------------------
# The builds: the commands of docs/deployment.md (Debian's docker.io: DOCKER_BUILDKIT=1 docker build).
image_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f", $1 / 1000000 }'; }
build_agent() { # ARCH TAG
  docker tag "ipls-stand-in/runtime-deps:10.0-$1" "$DEPS_IMAGE"
  docker build --platform "linux/$1" "${SECRET_ARGS[@]}" -f deploy/agent/Dockerfile -t "$2" . >&2
}

step "agent image linux/amd64"
if build_agent amd64 "$AGENT_AMD64" && [ "$(image_arch "$AGENT_AMD64")" = amd64 ]; then
  IMG_OK[agent-amd64]=true; IMG_MB[agent-amd64]=$(image_mb "$AGENT_AMD64")
else fail "agent image linux/amd64"; fi
done_step

step "agent image linux/arm64"
if build_agent arm64 "$AGENT_ARM64" && [ "$(image_arch "$AGENT_ARM64")" = arm64 ]; then
  IMG_OK[agent-arm64]=true; IMG_MB[agent-arm64]=$(image_mb "$AGENT_ARM64")
else fail "agent image linux/arm64"; fi
docker tag "$DEPS_AMD64" "$DEPS_IMAGE"
done_step

step "dashboard image linux/amd64"
if docker build --platform linux/amd64 "${SECRET_ARGS[@]}" -f deploy/dashboard/Dockerfile -t "$DASHBOARD" . >&2; then
  IMG_OK[dashboard]=true; IMG_MB[dashboard]=$(image_mb "$DASHBOARD")
else fail "dashboard image"; fi
done_step

step "self-check in the agent images"
for arch in amd64 arm64; do
  tag=$AGENT_AMD64; [ "$arch" = arm64 ] && tag=$AGENT_ARM64
  [ "${IMG_OK[agent-$arch]}" = true ] || continue
  want=X64; [ "$arch" = arm64 ] && want=Arm64
  if out=$(docker run --rm --platform "linux/$arch" "$tag" self-check 2>&1) \
     && grep -q 'self-check passed' <<<"$out" && grep 'process architecture' <<<"$out" | grep -qw "$want"; then
    log "self-check linux/$arch: passed, $want"
    [ "$arch" = amd64 ] && SELF_AMD64=true || SELF_ARM64=true
  else
    printf '%s\n' "$out" >&2; fail "self-check linux/$arch"
  fi
done
done_step

step "root-owned bind mount: a clear error"
# A host directory made by root (as `docker run -v /srv/ipls:/var/lib/ipls` makes it) is not the
# image user's: the agent must stop at once and say what to do, not fail on some file later.
if [ "${IMG_OK[agent-amd64]}" = true ]; then
  mkdir -p "$WORK/root-owned"
  out=$(docker run --rm -e IPLS_fleetToken=container-check-token-0123 -v "$WORK/root-owned:/var/lib/ipls" "$AGENT_AMD64" run 2>&1) && code=0 || code=$?
  if [ "$code" -eq 2 ] && grep -q "is not writable by this process (uid 1654)" <<<"$out" && grep -q "chown -R 1654:1654" <<<"$out"; then
    BIND_MOUNT_ERROR=true; log "root-owned bind mount: exit 2, $(head -c 160 <<<"$out")..."
  else
    printf '%s\n' "$out" >&2; fail "root-owned bind mount: exit $code without the clear error"
  fi
fi
done_step

# ---------------------------------------------------------------------------------------------------
[ "${IMG_OK[agent-amd64]}" = true ] && [ "${IMG_OK[dashboard]}" = true ] || die "no images for the fleet"

step "fleet up (docker-compose.mqtt.yml)"
bash scripts/make-secrets.sh --dir "$WORK/secrets" --env-file "$WORK/secrets.env" >/dev/null
# Host ports: any free ones (other things on this machine may hold 5601 and 1883).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cat >"$WORK/fleet.env" <<EOF
IPLS_SECRETS_DIR=$WORK/secrets
IPLS_AGENT_IMAGE=$AGENT_AMD64
IPLS_DASHBOARD_IMAGE=$DASHBOARD
IPLS_MOSQUITTO_IMAGE=$MOSQUITTO_IMAGE
IPLS_DASHBOARD_HTTP_PORT=$(free_port)
IPLS_DASHBOARD_MQTT_PORT=$(free_port)
EOF
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d --no-build >&2 || die "docker-compose up"
services=$(compose config --services)
up_start=$(date +%s)
deadline=$(( up_start + 360 ))
while :; do
  unhealthy=""
  for id in $(compose ps -q); do
    st=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
    [ "$st" = healthy ] || unhealthy+=" $(docker inspect -f '{{.Name}}' "$id"):$st"
  done
  [ -z "$unhealthy" ] && [ "$(compose ps -q | wc -l)" -eq "$(wc -w <<<"$services")" ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    compose ps >&2; compose logs --tail 40 >&2
    die "not healthy after $(( deadline - up_start )) s:$unhealthy"
  fi
  sleep 5
done
HEALTHY_S=$(( $(date +%s) - up_start ))
log "all $(wc -w <<<"$services") services healthy after $HEALTHY_S s"
done_step

step "scores of both vehicles on the dashboard's broker"
# Subscribed on the dashboard's broker, from inside the fleet's network (as the dashboard sees them),
# with the operator's credential (it may read every vehicle's topics; the vehicles' may not).
broker_password=$(cat "$WORK/secrets/broker_password")
# An explicit client id: mosquitto_sub's default (MQTT 3.1.1) is an empty one, which the broker refuses.
scores=$(compose exec -T mosquitto-v1 mosquitto_sub -i "container-check-$$" -h dashboard -p 1883 -u ipls -P "$broker_password" \
  -t 'v1/anomaly' -t 'v2/anomaly' -v -W 120 -C 20 2>/dev/null || true)
VEHICLES_SCORING=$(awk '$1 ~ /^v[0-9]+\/anomaly$/ {print $1}' <<<"$scores" | sort -u | wc -l)
log "vehicles scoring on the dashboard: $VEHICLES_SCORING ($(awk '{print $1}' <<<"$scores" | sort | uniq -c | tr -s ' \n' ' '))"
grep -q '"anomaly_score"' <<<"$scores" || fail "no anomaly_score messages on the dashboard's broker"
[ "$VEHICLES_SCORING" -eq 2 ] || fail "scores from $VEHICLES_SCORING of 2 vehicles on the dashboard"
done_step

step "each vehicle speaks only for itself"
# The operator watches v2/anomaly while vehicle 1's credential forges a score there (the broker must
# drop it) and vehicle 2's own credential sends one (must arrive: the control); a wrong password is refused.
watch=$(compose exec -T mosquitto-v1 sh -c '
  mosquitto_sub -i cc-watch -h dashboard -p 1883 -u ipls -P "$1" -t v2/anomaly -W 20 >/tmp/cc-watch.txt 2>&1 &
  sleep 4
  mosquitto_pub -i cc-forge -h dashboard -p 1883 -u vehicle-1 -P "$2" -q 1 -t v2/anomaly -m "{\"anomaly_score\":[0.111111],\"timestamp\":1}" 2>&1
  mosquitto_pub -i cc-own -h dashboard -p 1883 -u vehicle-2 -P "$3" -q 1 -t v2/anomaly -m "{\"anomaly_score\":[0.999999],\"timestamp\":1}" 2>&1
  mosquitto_sub -i cc-wrong -h dashboard -p 1883 -u vehicle-1 -P not-the-password -t vehicle/1/generator -C 1 -W 5 >/dev/null 2>&1
  echo "wrong-password-exit=$?"
  wait; cat /tmp/cc-watch.txt; rm -f /tmp/cc-watch.txt' sh \
  "$broker_password" "$(cat "$WORK/secrets/vehicle_1_credential")" "$(cat "$WORK/secrets/vehicle_2_credential")" || true)
PER_VEHICLE=true
grep -q '0\.999999' <<<"$watch" || { PER_VEHICLE=false; fail "vehicle 2's own score (its credential) did not reach the operator: $(tr '\n' ' ' <<<"$watch" | head -c 400)"; }
if grep -q '0\.111111' <<<"$watch"; then PER_VEHICLE=false; fail "vehicle 1's credential published a score as vehicle 2"; fi
grep -q 'wrong-password-exit=[1-9]' <<<"$watch" || { PER_VEHICLE=false; fail "a wrong vehicle password was not refused"; }
log "per-vehicle identities: forged score dropped, own score delivered, wrong password refused: $PER_VEHICLE"
done_step

step "non-root, secrets as files"
NONROOT=true
for id in $(compose ps -q); do
  name=$(docker inspect -f '{{.Name}}' "$id")
  uids=$(docker top "$id" -eo pid,uid | awk 'NR > 1 {print $2}' | sort -u | tr '\n' ' ')
  if grep -qw 0 <<<"$uids"; then NONROOT=false; fail "$name runs a process as root (uids: $uids)"; fi
done
SECRETS_FILES=true
for f in "$WORK"/secrets/*; do
  value=$(cat "$f")
  for id in $(compose ps -q); do
    if grep -qF -- "$value" <<<"$(docker inspect "$id")"; then SECRETS_FILES=false; fail "a secret ($(basename "$f")) is in the configuration of $(docker inspect -f '{{.Name}}' "$id")"; fi
  done
done
# The dashboard holds the operator's password and the identity key; each agent only its own vehicle's
# credential (bootstrapper: vehicle 900), never the operator's.
for check in "dashboard:broker_password identity_key" "bootstrapper:vehicle_900_credential" \
  "vehicle1:vehicle_1_credential" "vehicle2:vehicle_2_credential"; do
  svc=${check%%:*}
  for secret in fleet_token ${check#*:}; do
    compose exec -T "$svc" test -r "/run/secrets/$secret" \
      || { SECRETS_FILES=false; fail "$svc: $secret is not a file under /run/secrets"; }
  done
  if [ "$svc" != dashboard ] && compose exec -T "$svc" test -e /run/secrets/broker_password; then
    SECRETS_FILES=false; fail "$svc: holds the operator's broker_password"
  fi
done
done_step

step "SIGKILLed agent comes back as the same peer"
peer_of() { compose exec -T vehicle1 sh -c 'cat /var/lib/ipls/identity.json' | tr -d ' \n' | grep -o '"[a-zA-Z]*[Ii]d":"[^"]*"' | head -1; }
before=$(peer_of || true)
cid=$(compose ps -q vehicle1)
restarts_before=$(docker inspect -f '{{.RestartCount}}' "$cid")
pid=$(docker inspect -f '{{.State.Pid}}' "$cid")
# A crash, not `docker kill` (Docker does not restart what it was told to kill).
$SUDO kill -KILL "$pid"
for _ in $(seq 1 60); do
  [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$cid")" = "$(( restarts_before + 1 )) true" ] && break
  sleep 1
done
after=""
for _ in $(seq 1 30); do after=$(peer_of 2>/dev/null || true); [ -n "$after" ] && break; sleep 1; done
restarted_log=$(docker logs --since 90s "$cid" 2>&1 | grep -m1 'started as' || true)
log "identity before: ${before:-?}; after restart $(docker inspect -f '{{.RestartCount}}' "$cid"): ${after:-?}"
log "agent log after the restart: ${restarted_log:-(no start line yet)}"
if [ -n "$before" ] && [ "$before" = "$after" ] && [ "$(docker inspect -f '{{.RestartCount}}' "$cid")" -gt "$restarts_before" ]; then
  RESTART_SAME_PEER=true
else
  fail "vehicle1 after SIGKILL: restarted $(docker inspect -f '{{.RestartCount}}' "$cid") time(s), identity ${before:-?} -> ${after:-?}"
fi
done_step

step "docker-compose down keeps the named volumes"
compose down >&2
kept=true
for vol in vehicle1-state vehicle2-state bootstrapper-state dashboard-data; do
  full="${PROJECT}_$vol"
  if ! docker volume inspect "$full" >/dev/null 2>&1; then kept=false; fail "volume $full gone after down"; continue; fi
  files=$(docker run --rm --entrypoint sh -v "$full:/v:ro" "$AGENT_AMD64" -c 'ls /v' | tr '\n' ' ')
  log "$full: $files"
  case "$vol" in
    dashboard-data) grep -q 'history.db' <<<"$files" || { kept=false; fail "$full has no history.db"; } ;;
    *) grep -q 'identity.json' <<<"$files" && grep -q 'checkpoint' <<<"$files" || { kept=false; fail "$full has no identity and checkpoint"; } ;;
  esac
  case "$vol" in
    vehicle*-state)
      # IPLS over MQTT really ran: the saved fleet model has partitions past version 0.
      v=$(docker run --rm --entrypoint sh -v "$full:/v:ro" "$AGENT_AMD64" -c 'cat /v/checkpoint.json' | tr -d ' \n' | grep -o '"versions":\[[0-9,]*' | grep -o '[0-9]*$' || true)
      IPLS_VERSIONS+="${IPLS_VERSIONS:+,}\"${vol%-state}\":${v:-0}"
      [ "${v:-0}" -le "$IPLS_MAX" ] || IPLS_MAX=${v:-0} ;;
  esac
done
VOLUMES_KEPT=$kept
# IPLS over MQTT really ran: a vehicle's saved fleet model has partitions past version 0. (Vehicle 1
# was killed a minute in: its last checkpoint may predate the first round.)
[ "$IPLS_MAX" -gt 0 ] || fail "no vehicle's saved fleet model went past version 0 (no IPLS rounds): {$IPLS_VERSIONS}"
done_step
exit 0
}
