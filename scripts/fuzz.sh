#!/usr/bin/env bash
# Builds the libFuzzer targets of the decode path with clang
# (-fsanitize=fuzzer,address,undefined) in build-fuzz/, replays every input in
# tests/fuzz/regressions/ through every target, then fuzzes each target for a
# short time. Exits 1 if anything crashed, leaked, hung or allocated past the
# limits; the crashing input is left in build-fuzz/artifacts/.
#
#   scripts/fuzz.sh                      build, replay, ~20 s per target
#   FUZZ_SECONDS=300 scripts/fuzz.sh     longer runs
#   FUZZ_TARGETS="png gif" scripts/fuzz.sh
#   FUZZ_SECONDS=0 scripts/fuzz.sh       build and replay the regressions only
#   FUZZ_FRESH=1 scripts/fuzz.sh         start from the seeds alone (CI: bounded time)
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh    only the clang build (scripts/test.sh runs it
#                                        at low priority beside ctest)
#
# Seeds are written into build-fuzz/seeds/ by edgepix_fuzz_seeds from the
# test fixtures and, read-only, from EDGEPIX_CORPUS (default ../shared/corpus).
# What the fuzzers learn accumulates in build-fuzz/corpus/ between runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
seconds="${FUZZ_SECONDS:-20}"
targets="${FUZZ_TARGETS:-jpeg png gif bmp webp heif exif pipeline}"
corpus_src="${EDGEPIX_CORPUS:-$root/../shared/corpus}"
jobs="$(nproc)"
((jobs > 2)) && jobs=2

# clang and its sanitizer/libFuzzer runtimes (also in setup.sh's TEST_PACKAGES).
missing=()
for p in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== fuzz: clang build of the image library and the fuzz targets"
start=$SECONDS
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DEDGEPIX_SANITIZE=ON -DEDGEPIX_FUZZ=ON -DEDGEPIX_TESTS=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target edgepix_fuzz >/dev/null
echo "fuzz: build took $((SECONDS - start)) s"
if [[ "${FUZZ_BUILD_ONLY:-0}" == 1 ]]; then exit 0; fi

bin="$build/tests/fuzz"
rm -rf "$build/seeds"
if [[ -d "$corpus_src" ]]; then
  "$bin/edgepix_fuzz_seeds" "$build/seeds" "$corpus_src"
else
  echo "fuzz: no corpus at $corpus_src; seeds from the test fixtures only"
  "$bin/edgepix_fuzz_seeds" "$build/seeds"
fi
mkdir -p "$build/artifacts"
if [[ "${FUZZ_FRESH:-0}" == 1 ]]; then rm -rf "$build/corpus"; fi

# A huge allocation is a finding: bombs must be refused before allocating.
common=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=25 -max_len=65536)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
# Every input is replayed through every target. An empty folder, or a target
# with no input of its own (<target>-*.*), would make the replay check nothing:
# that is a failure, not a pass.
regression_dir="$root/tests/fuzz/regressions"
mapfile -t regressions < <(find "$regression_dir" -type f ! -name '*.md' | sort)
if ((${#regressions[@]} == 0)); then
  echo "fuzz: FAILED: no regression inputs in $regression_dir (the replay would check nothing)"
  failed+=("replay:empty")
fi
for t in $targets; do
  if ! compgen -G "$regression_dir/$t-*" >/dev/null; then
    echo "fuzz: FAILED: no regression input for fuzz_$t ($regression_dir/$t-<what>.<ext>)"
    failed+=("replay:$t:none")
  fi
done
if ((${#regressions[@]})); then
  echo "== fuzz: replaying ${#regressions[@]} regression inputs through every target"
  for t in $targets; do
    if ! "$bin/fuzz_$t" "${common[@]}" "${regressions[@]}" >"$build/replay_$t.log" 2>&1; then
      echo "fuzz: REGRESSION in fuzz_$t (log: $build/replay_$t.log)"
      grep -E "ERROR|SUMMARY|Running: " "$build/replay_$t.log" | tail -5 || true
      failed+=("replay:$t")
    fi
  done
fi

if ((seconds > 0)); then
  # The fuzzers are single-threaded: run up to $jobs of them at once (each still
  # gets its full time on a core of its own), then report them in order.
  fuzz_one() {
    local t="$1" log="$build/fuzz_$1.log"
    mkdir -p "$build/corpus/$t"
    if "$bin/fuzz_$t" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$build/seeds/$t" >"$log" 2>&1; then
      echo 0 >"$build/fuzz_$t.status"
    else
      echo 1 >"$build/fuzz_$t.status"
    fi
  }
  echo "== fuzz: each target for ${seconds} s, $jobs at a time"
  for t in $targets; do
    rm -f "$build/fuzz_$t.status"
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
    fuzz_one "$t" &
  done
  wait
  for t in $targets; do
    log="$build/fuzz_$t.log"
    if [[ "$(cat "$build/fuzz_$t.status" 2>/dev/null)" == 0 ]]; then
      echo -n "fuzz_$t: "
      grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$log" | tr '\n' ' ' || true
      echo
    else
      echo "fuzz: fuzz_$t FAILED (log: $log)"
      grep -E "ERROR|SUMMARY|artifact|Test unit written" "$log" | tail -6 || true
      failed+=("$t")
    fi
  done
fi

if ((${#failed[@]})); then
  echo "fuzz: failures: ${failed[*]}"
  echo "fuzz: keep each crashing input as tests/fuzz/regressions/<target>-<what>.<ext>"
  exit 1
fi
echo "fuzz: all targets clean ($((SECONDS - start)) s in all)"
