#!/usr/bin/env bash
# Proves that the agent as shipped to a Raspberry Pi 4 (linux-arm64, self-contained) works, on an
# x86_64 machine: publishes it, runs it under qemu-user with a Debian arm64 sysroot, and checks
# `self-check` (must report Arm64 and pass), then `generate` + `score` (normal data scores below the
# threshold, anomaly data above, and the same numbers as the native build within 1e-4).
#
#   scripts/arm64-check.sh            # everything lands in artifacts/ (git-ignored); the sysroot is cached there
#
# Needs root (or sudo) the first time: dpkg --add-architecture arm64, apt-get update/download, and
# qemu-user-static when it is missing. Exits non-zero with "arm64-check: FAILED: ..." on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ART="$PWD/artifacts"
PUBLISH="$ART/publish/linux-arm64"
SYSROOT="$ART/arm64-sysroot"
DEBS="$ART/arm64-debs"
WORK="$ART/arm64-check"
THRESHOLD=0.08
# The runtime's own needs: glibc and the loader, the C++ runtime, zlib, and OpenSSL (SHA-256 and
# HMAC go through libcrypto on Linux; the checkpoint check uses it).
PACKAGES=(libc6 libstdc++6 libgcc-s1 zlib1g libssl3)

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

START=$(date +%s)
TIMINGS=()
fail() { printf 'arm64-check: FAILED: %s\n' "$*" >&2; exit 1; }
step() { STEP_NAME="$1"; STEP_START=$(date +%s); printf '\n== %s\n' "$1"; }
done_step() { TIMINGS+=("$(printf '%-30s %4d s' "$STEP_NAME" $(( $(date +%s) - STEP_START )))"); }

# qemu-user runs the arm64 binary; -L makes the guest's loader and libraries come from the sysroot.
arm64() {
  DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L "$SYSROOT" "$PUBLISH/ipls-agent" "$@"
}

# "mean" (or another statistic) of file number $2 (1-based) in the JSON of `score --json`.
stat_of() {
  grep -o "\"$1\":[-0-9.eE+]*" "$3" | sed -n "${2}p" | cut -d: -f2
}

step "qemu-user-static"
if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
  echo "installing qemu-user-static"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
fi
qemu-aarch64-static --version | head -n 1
done_step

step "publish linux-arm64"
rm -rf "$PUBLISH"
dotnet publish IplsPeerAgent -c Release -r linux-arm64 --self-contained -p:InvariantGlobalization=true -o "$PUBLISH" -v quiet -nologo \
  || fail "dotnet publish for linux-arm64"
[ -x "$PUBLISH/ipls-agent" ] || fail "no $PUBLISH/ipls-agent after publish"
file_type=$(od -An -tx1 -j18 -N2 "$PUBLISH/ipls-agent" | tr -d ' ')
[ "$file_type" = "b700" ] || fail "$PUBLISH/ipls-agent is not an AArch64 ELF (e_machine $file_type)"
du -sh "$PUBLISH" | cut -f1 | sed 's/^/published size: /'
done_step

step "arm64 sysroot"
echo "Debian packages, cached in $SYSROOT"
if [ -f "$SYSROOT/.packages" ] && [ -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ]; then
  echo "reusing the sysroot:"; sed 's/^/  /' "$SYSROOT/.packages"
else
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
  fi
  $SUDO apt-get update -qq
  rm -rf "$DEBS" "$SYSROOT"
  mkdir -p "$DEBS" "$SYSROOT"
  # apt's sandbox user must be able to write here when apt-get runs as root.
  chmod 0777 "$DEBS"
  (cd "$DEBS" && apt-get download -qq "${PACKAGES[@]/%/:arm64}") || fail "apt-get download of ${PACKAGES[*]} (arm64)"
  : > "$SYSROOT/.packages.tmp"
  for deb in "$DEBS"/*.deb; do
    dpkg-deb -x "$deb" "$SYSROOT"
    printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >> "$SYSROOT/.packages.tmp"
  done
  [ -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ] || fail "the sysroot has no /lib/ld-linux-aarch64.so.1"
  mv "$SYSROOT/.packages.tmp" "$SYSROOT/.packages"
  sed 's/^/  /' "$SYSROOT/.packages"
fi
done_step

rm -rf "$WORK"
mkdir -p "$WORK"

step "self-check under qemu"
if ! arm64 self-check > "$WORK/self-check.txt" 2>&1; then
  cat "$WORK/self-check.txt"
  fail "self-check did not pass on arm64"
fi
cat "$WORK/self-check.txt"
grep -Eq 'process architecture[^A-Za-z0-9]+Arm64' "$WORK/self-check.txt" || fail "self-check does not report process architecture Arm64"
done_step

step "generate + score under qemu"
arm64 generate --mode normal --rows 2000 --seed 7 --out "$WORK/normal.csv" || fail "generate normal"
arm64 generate --mode anomaly --rows 400 --seed 8 --out "$WORK/anomaly.csv" || fail "generate anomaly"
[ "$(wc -l < "$WORK/normal.csv")" -eq 2000 ] || fail "normal.csv does not have 2000 rows"
[ "$(wc -l < "$WORK/anomaly.csv")" -eq 400 ] || fail "anomaly.csv does not have 400 rows"
arm64 score --model "$PUBLISH/Models/default.iplsm" "$WORK/normal.csv" "$WORK/anomaly.csv"
arm64 score --model "$PUBLISH/Models/default.iplsm" --json "$WORK/normal.csv" "$WORK/anomaly.csv" > "$WORK/score-arm64.json" \
  || fail "score on arm64"
normal_mean=$(stat_of mean 1 "$WORK/score-arm64.json")
normal_above=$(stat_of share_above 1 "$WORK/score-arm64.json")
anomaly_mean=$(stat_of mean 2 "$WORK/score-arm64.json")
[ -n "$normal_mean" ] && [ -n "$anomaly_mean" ] && [ -n "$normal_above" ] || fail "cannot read the means from $WORK/score-arm64.json"
awk -v m="$normal_mean" -v t="$THRESHOLD" 'BEGIN { exit !(m < t) }' || fail "normal data mean score $normal_mean is not below $THRESHOLD"
awk -v s="$normal_above" 'BEGIN { exit !(s < 0.05) }' || fail "normal data: share above the threshold $normal_above is not below 5 %"
awk -v m="$anomaly_mean" -v t="$THRESHOLD" 'BEGIN { exit !(m > t) }' || fail "anomaly data mean score $anomaly_mean is not above $THRESHOLD"
echo "arm64: normal mean $normal_mean (share above $normal_above), anomaly mean $anomaly_mean"
done_step

step "same scores natively"
dotnet build IplsPeerAgent -c Release -v quiet -nologo >/dev/null || fail "native build"
dotnet IplsPeerAgent/bin/Release/net10.0/ipls-agent.dll score --model "$PUBLISH/Models/default.iplsm" --json "$WORK/normal.csv" "$WORK/anomaly.csv" > "$WORK/score-native.json" \
  || fail "native score"
for i in 1 2; do
  a=$(stat_of mean "$i" "$WORK/score-arm64.json")
  n=$(stat_of mean "$i" "$WORK/score-native.json")
  awk -v a="$a" -v n="$n" 'BEGIN { d = a - n; if (d < 0) d = -d; exit !(d <= 1e-4) }' \
    || fail "file $i: arm64 mean $a differs from the native mean $n by more than 1e-4"
  echo "file $i: arm64 mean $a, native mean $n"
done
done_step

printf '\n== timings\n'
printf '%s\n' "${TIMINGS[@]}"
printf '%-30s %4d s\n' "total" $(( $(date +%s) - START ))
echo "arm64-check: passed"
