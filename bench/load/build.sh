#!/usr/bin/env bash
# Builds bench/load/load_client against the Debian cpp-httplib.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../build-load}"
mkdir -p "$out"
g++ -std=c++20 -O2 -Wall -Wextra -o "$out/load_client" "$here/load_client.cpp" \
  $(pkg-config --cflags --libs cpp-httplib) -pthread
echo "$out/load_client"
