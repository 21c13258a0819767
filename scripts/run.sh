#!/usr/bin/env bash
# Builds a Release edgepix and starts it on 127.0.0.1:8080 with data in
# ./edgepix-data. Extra arguments go to `edgepix serve` (see --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --build
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=OFF >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target edgepix
exec "$root/build/edgepix" serve "$@"
