#!/usr/bin/env bash
# Installs what edgepix needs to build and test, from Debian's packages only
# (and playwright-core from npm for the browser test). Idempotent: when
# everything is present it changes nothing and takes a second.
#   scripts/setup.sh          build + test dependencies
#   scripts/setup.sh --build  only what building the server needs
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config dpkg-dev patch python3 libbrotli-dev
  libcpp-httplib-dev libsqlitecpp-dev libsqlite3-dev libstb-dev libwebp-dev libpng-dev
  nlohmann-json3-dev libturbojpeg0-dev libjpeg62-turbo-dev libgif-dev libexif-dev liblcms2-dev libssl-dev zlib1g-dev
  libheif-dev libcurl4-openssl-dev libqrencode-dev libpq-dev
)
TEST_PACKAGES=(
  catch2 clang libclang-rt-14-dev curl chromium openssl
  python3 python3-jsonschema libheif-examples zbar-tools librsvg2-bin
  python3-boto3 awscli postgresql
  ceph-mon ceph-osd radosgw ceph-common
)

packages=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" != "--build" ]]; then
  packages+=("${TEST_PACKAGES[@]}")
fi

# Node.js for the browser test: Debian's unless a node (>= 20, as playwright-core
# needs) is already on the machine; never replace an existing installation.
if [[ "${1:-}" != "--build" ]]; then
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" != "--build" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  # The browser test (playwright-core), the S3 test's AWS SDK for JavaScript v3
  # and the ThumbHash reference (a test oracle).
  for dir in tests/e2e tests/s3/js tests/thumbhash; do
    if [[ -f "$root/$dir/package.json" ]]; then
      lock="$root/$dir/package-lock.json"
      stamp="$root/$dir/node_modules/.edgepix-lock"
      if [[ ! -f "$stamp" ]] || ! cmp -s "$lock" "$stamp"; then
        echo "setup: installing the npm packages of $dir"
        (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
        cp "$lock" "$stamp"
      fi
    fi
  done
fi
echo "setup: dependencies are in place"
