#!/usr/bin/env bash
# Cross-builds edgepix for a Raspberry Pi and runs the test suite under qemu-user.
#
#   scripts/cross-build.sh aarch64          64-bit Raspberry Pi OS / Debian arm64
#   scripts/cross-build.sh armhf            32-bit Raspberry Pi OS (ARMv7) / Debian armhf
#
# Options:
#   --static      also link the image/database libraries statically (EDGEPIX_STATIC=ON)
#                 and, when the tests pass, convert a corpus photo with `edgepix process`
#   --no-tests    build only (no test binaries, no qemu run)
#   --no-install  do not touch apt (the packages are known to be there)
#
# Installs (Debian multiarch, idempotent): the cross compiler, the target's -dev
# packages, qemu-user-static. Builds in build-<arch>[-static]/ with
# cmake/toolchain-<arch>.cmake and runs ctest there; every target binary runs under
# qemu-<arch>-static (CMAKE_CROSSCOMPILING_EMULATOR for ctest and test discovery,
# EDGEPIX_EMULATOR for the server the integration tests start), so no binfmt_misc
# registration is needed. The browser e2e test is host-only and is skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

arch="${1:-}"
shift || true
static=OFF
tests=ON
install=1
for a in "$@"; do
  case "$a" in
    --static) static=ON ;;
    --no-tests) tests=OFF ;;
    --no-install) install=0 ;;
    *) echo "cross-build: unknown option $a" >&2; exit 2 ;;
  esac
done

case "$arch" in
  aarch64) deb_arch=arm64 triplet=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
  armhf) deb_arch=armhf triplet=arm-linux-gnueabihf qemu=qemu-arm-static ;;
  *) echo "usage: scripts/cross-build.sh aarch64|armhf [--static] [--no-tests] [--no-install]" >&2
     exit 2 ;;
esac

build="$root/build-$arch"
[[ "$static" == ON ]] && build="$root/build-$arch-static"
t0=$(date +%s)

# --- install -----------------------------------------------------------------
if ((install)); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  # Host side: the project's own build dependencies (catch2 and nlohmann-json are
  # header-only and architecture-independent, so the host's copies serve the target).
  "$root/scripts/setup.sh" --build
  host_packages=("crossbuild-essential-$deb_arch" qemu-user-static catch2 python3-boto3 awscli)
  target_packages=(libcpp-httplib-dev libsqlitecpp-dev libsqlite3-dev libstb-dev libwebp-dev libpng-dev
    libturbojpeg0-dev libjpeg62-turbo-dev libgif-dev libexif-dev liblcms2-dev libssl-dev zlib1g-dev
    libheif-dev libcurl4-openssl-dev libqrencode-dev)
  wanted=("${host_packages[@]}")
  for p in "${target_packages[@]}"; do wanted+=("$p:$deb_arch"); done
  missing=()
  for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]})); then
    echo "cross-build: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    added_arch=0
    if ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
      $SUDO dpkg --add-architecture "$deb_arch"
      added_arch=1
    fi
    # apt-get install says clearly what it could not find if an index is missing.
    $SUDO apt-get update -qq || echo "cross-build: apt-get update reported errors (continuing)"
    if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      # A mirror whose index of this architecture is broken makes apt drop the
      # whole repository's update (other architectures too): undo our change.
      if ((added_arch)); then
        $SUDO dpkg --remove-architecture "$deb_arch" && $SUDO apt-get update -qq || true
      fi
      echo "cross-build: installing the $deb_arch packages failed (see apt's message above)" >&2
      exit 1
    fi
  fi
fi
t1=$(date +%s)

# --- build -------------------------------------------------------------------
echo "== cross build: $arch (static=$static, tests=$tests) in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-$arch.cmake" \
  -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v "$qemu")" \
  -DEDGEPIX_STATIC="$static" -DEDGEPIX_TESTS="$tests" \
  -DEDGEPIX_HEIF="$([[ "$static" == ON ]] && echo OFF || echo ON)" >/dev/null
cmake --build "$build" -j"$(nproc)"
t2=$(date +%s)

bin="$build/edgepix"
file -b "$bin" 2>/dev/null | cut -c1-120 || true
"$triplet-strip" -o "$bin.stripped" "$bin"
echo "edgepix ($arch): $(stat -c %s "$bin") bytes, stripped $(stat -c %s "$bin.stripped");" \
  "version: $("$qemu" "$bin" version)"
[[ "$static" == ON ]] && "$root/scripts/check-static.sh" "$bin"

# --- test --------------------------------------------------------------------
if [[ "$tests" == ON ]]; then
  echo "== tests under $qemu"
  # The e2e test drives a host browser against a host node: not part of the cross run.
  (cd "$build" && EDGEPIX_EMULATOR="$(command -v "$qemu")" \
    ctest --output-on-failure -j"$(nproc)" --timeout 900 -E "^e2e")
fi
t3=$(date +%s)

# --- a real photo through the static binary ----------------------------------
if [[ "$static" == ON ]]; then
  corpus="$root/../shared/corpus"
  photos=()
  for f in photos/HMD_Nokia_8.3_5G.jpg orientation/Portrait_6.jpg; do
    [[ -f "$corpus/$f" ]] && photos+=("$corpus/$f")
  done
  if ((${#photos[@]})); then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
    echo "== edgepix process under $qemu: ${photos[*]##*/}"
    "$qemu" "$bin" process "${photos[@]}" --out "$out"
    ls -l "$out"/*/
  else
    echo "cross-build: no corpus next to the repo; skipped the photo conversion"
  fi
fi

echo "cross-build: $arch done; install $((t1 - t0)) s, build $((t2 - t1)) s, tests $((t3 - t2)) s"
