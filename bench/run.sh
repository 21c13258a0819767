#!/usr/bin/env bash
# edgepix benchmark, one command:  bash bench/run.sh [options]
#
# Installs what it needs (Debian: libvips-tools, plasma-workspace-wallpapers,
# time, build tools; npm: sharp pinned by bench/package-lock.json), builds the
# Release binary in build-bench/ and the helper tools in build-bench/bench-tools/,
# then on each photo set (read in place, never copied; symlinked under a temp dir
# with unique names; by default the wallpapers, then the corpus's phone photos)
# runs, interleaved, for 1 and 2 workers (1 worker = 1 thread for every tool:
# edgepix with --parallel-variants never):
#   edgepix process, vipsthumbnail (one invocation per size, xargs -P N),
#   sharp one-pipeline-per-size, sharp decode-once-then-cascade
# all making thumb 150x150 cover, medium inside 640, large inside 1280, WebP q85
# method/effort 4, metadata stripped. Reports images/s and ratios vs edgepix,
# CPU per image, peak RSS, output bytes, SSIM of every variant vs a reference
# downscale (a failed SSIM measurement fails the run), the codec floor, the
# machine's load before and after, and the upload-to-COMPLETED latency (once);
# writes bench/results/<date>-<set>.md per set.
#
# Options:
#   --wallpapers      only the wallpaper set
#   --corpus          only ../shared/corpus/photos (phone photos, odd sizes, EXIF orientations)
#   --photos DIR      only every .jpg/.jpeg/.png/.webp in DIR
#   --rounds N        interleaved rounds per configuration (default 3)
#   --skip-latency    skip bench/upload_latency.sh
#   --quality-only    one 2-worker pass per tool, then bytes and SSIM only (no timing,
#                     codec floor or latency): SSIM is deterministic, so this checks
#                     quality work on a busy machine
#   --no-install      do not apt-get / npm install (fail if missing)
#   --tools "A B"     only these of the tools (default all five; edgepix is always kept,
#                     as every ratio is against it)
#   --edgepix BIN     benchmark this edgepix binary instead of building one (e.g. another
#                     branch's build, to compare)
#   --out FILE        results file (default bench/results/YYYY-MM-DD-<set>.md; one set only)
set -euo pipefail
ARGS="$*"
{ # the whole script is parsed before it runs: editing it mid-run is then harmless

# Default: both sets, one after the other (install and build happen in the
# first; the latency run, which does not depend on the set, only there too).
if [[ " $* " != *" --wallpapers "* && " $* " != *" --corpus "* && " $* " != *" --photos "* &&
      " $* " != *" -h "* && " $* " != *" --help "* ]]; then
  bash "$0" "$@" --wallpapers
  bash "$0" "$@" --corpus --no-install --skip-latency
  exit 0
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="$ROOT/build-bench"
TOOLS="$BUILD/bench-tools"
ROUNDS=3
SET=wallpapers
PHOTO_DIR=""
LATENCY=1
INSTALL=1
QUALITY_ONLY=0
WORKERS=(1 2)
OUT=""
EDGEPIX=""
TOOLS_ARG=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --wallpapers) SET=wallpapers; shift ;;
    --corpus) SET=corpus; shift ;;
    --photos) SET=custom; PHOTO_DIR="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --skip-latency) LATENCY=0; shift ;;
    --quality-only) QUALITY_ONLY=1; ROUNDS=1; WORKERS=(2); LATENCY=0; shift ;;
    --no-install) INSTALL=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --tools) TOOLS_ARG="$2"; shift 2 ;;
    --edgepix) EDGEPIX="$(realpath "$2")"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- 1. dependencies -------------------------------------------------------
if [[ $INSTALL == 1 ]]; then
  # By what is there, not by package name: node/npm may come from elsewhere, and
  # multiarch -dev packages make `dpkg -s NAME` ambiguous.
  need=()
  [[ -d /usr/share/wallpapers/Volna ]] || need+=(plasma-workspace-wallpapers)
  command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
  [[ -x /usr/bin/time ]] || need+=(time)
  command -v curl >/dev/null || need+=(curl)
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  command -v g++ >/dev/null || need+=(g++)
  command -v cmake >/dev/null || need+=(cmake)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  pkg-config --exists libwebp 2>/dev/null || need+=(libwebp-dev)
  pkg-config --exists libturbojpeg 2>/dev/null || need+=(libturbojpeg0-dev)
  if [[ ${#need[@]} -gt 0 ]]; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    log "apt-get install ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if [[ ! -d "$HERE/node_modules/sharp" ]] || ! (cd "$HERE" && node -e "require('sharp')" 2>/dev/null); then
    log "npm ci (sharp)"
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# ---- 2. build --------------------------------------------------------------
mkdir -p "$BUILD"
if [[ -z "$EDGEPIX" ]]; then
  log "building edgepix (Release) in $BUILD"
  # (configure every time: the project globs its sources, new files need it)
  if ! { cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=OFF &&
         cmake --build "$BUILD" -j2 --target edgepix; } >"$BUILD/bench-build.log" 2>&1; then
    tail -30 "$BUILD/bench-build.log" >&2
    echo "build failed (full log: $BUILD/bench-build.log)" >&2
    exit 1
  fi
  EDGEPIX="$BUILD/edgepix"
fi
[[ -x "$EDGEPIX" ]] || { echo "no edgepix binary at $EDGEPIX" >&2; exit 1; }
mkdir -p "$TOOLS"
for t in ssim codec_floor; do bash "$HERE/tools/build.sh" "$t" "$TOOLS" >/dev/null; done

# ---- 3. the photo set (symlinks with unique stems) ------------------------
WORK="$(mktemp -d /tmp/edgepix-bench.XXXXXX)"
# A failure names the command and line that failed and keeps what the run
# collected, so that it can be read afterwards (a run is 20+ minutes).
trap 'echo "bench/run.sh: \"$BASH_COMMAND\" failed (line $LINENO)" >&2' ERR
trap 'rc=$?; if [[ $rc == 0 ]]; then rm -rf "$WORK"; else echo "bench/run.sh: exit $rc; work dir kept: $WORK" >&2; fi' EXIT
case $SET in
  custom) bash "$HERE/photo_set.sh" "$WORK/photos" "$PHOTO_DIR" ;;
  *) bash "$HERE/photo_set.sh" "$WORK/photos" "$SET" ;;
esac
mapfile -t PHOTOS < <(find "$WORK/photos" -type l | sort)
N=${#PHOTOS[@]}
[[ $N -gt 0 ]] || { echo "no photos" >&2; exit 1; }
log "$N photos ($SET)"
cat "${PHOTOS[@]}" >/dev/null  # warm the page cache

# ---- 4. throughput, interleaved ------------------------------------------
# Each configuration writes to a fresh directory; /usr/bin/time records wall,
# user, sys and max RSS (of the largest single process: for vipsthumbnail under
# xargs -P 2 two processes of that size run at once).
# edgepix-keepmem: the same binary with glibc told to keep freed memory mapped
# (one arena, no mmap for big blocks, no trimming): shows what page faults on
# fresh buffers cost edgepix (large for progressive JPEGs on this VM).
KEEPMEM="glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295"
export KEEPMEM
TOOLSET=(edgepix vipsthumbnail sharp-per-size sharp-cascade edgepix-keepmem)
if [[ -n "$TOOLS_ARG" ]]; then
  TOOLSET=(edgepix)
  for t in $TOOLS_ARG; do [[ $t == edgepix ]] || TOOLSET+=("$t"); done
fi
NT=${#TOOLSET[@]}
RUNS_TSV="$WORK/runs.tsv"
printf 'round\ttool\tworkers\twall_s\tuser_s\tsys_s\tmaxrss_kb\n' >"$RUNS_TSV"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for w in "${WORKERS[@]}"; do
    # rotate the order each round so no tool always runs first or last
    for i in $(seq 0 $((NT - 1))); do
      tool=${TOOLSET[$(((i + r) % NT))]}
      out="$WORK/out/$tool-w$w"
      rm -rf "$out" && mkdir -p "$out"
      /usr/bin/time -f '%e\t%U\t%S\t%M' -o "$WORK/time.txt" \
        bash "$HERE/run_tool.sh" "$tool" "$w" "$out" "$EDGEPIX" "${PHOTOS[@]}" ||
        { echo "$tool failed (workers $w)" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\n' "$r" "$tool" "$w" "$(tail -1 "$WORK/time.txt")" >>"$RUNS_TSV"
      log "round $r $tool w$w: $(tail -1 "$WORK/time.txt" | cut -f1) s"
    done
  done
done

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 5. bytes and SSIM (outputs of the last 2-worker round) ---------------
variant_path() {  # tool stem variant
  case $1 in
    edgepix*) echo "$WORK/out/$1-w2/$2/$3.webp" ;;
    *) echo "$WORK/out/$1-w2/$2_$3.webp" ;;
  esac
}
# Reference for SSIM: full resolution (no shrink-on-load), auto-rotated, embedded
# ICC -> sRGB (plain sRGB conversion for gray or profile-less images), alpha
# flattened on white, as a binary PPM.
make_reference() {  # photo out.ppm
  local ref="$WORK/ref.v" tmp="$WORK/ref2.v" rot="$WORK/rot.v"
  # autorot, not [autorotate=true]: only some loaders (JPEG, HEIF) take that option
  vips autorot "$1" "$rot" 2>/dev/null || return 1
  vips icc_transform "$rot" "$ref" srgb --embedded 2>/dev/null ||
    vips colourspace "$rot" "$ref" srgb 2>/dev/null || return 1
  if [[ $(vipsheader -f bands "$ref") == 4 ]]; then
    vips flatten "$ref" "$tmp" --background 255 2>/dev/null && mv "$tmp" "$ref" || return 1
  fi
  vips copy "$ref" "$2" 2>/dev/null
}
BYTES_TSV="$WORK/bytes.tsv"; SSIM_TSV="$WORK/ssim.tsv"
printf 'tool\tphoto\tvariant\tbytes\tmeta_bytes\n' >"$BYTES_TSV"
printf 'tool\tphoto\tvariant\tsize\tssim\n' >"$SSIM_TSV"
log "SSIM against the Lanczos-3 reference"
VARIANTS=(thumb medium large)
fit_of() { [[ $1 == thumb ]] && echo cover || echo inside; }
for f in "${PHOTOS[@]}"; do
  stem=$(basename "${f%.*}")
  args=()
  for tool in "${TOOLSET[@]}"; do
    for v in "${VARIANTS[@]}"; do
      p=$(variant_path "$tool" "$stem" "$v")
      [[ -s "$p" ]] || { echo "$tool made no $v for $stem ($p)" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$stem" "$v" "$(stat -c %s "$p")" \
        "$(node "$HERE/webp_chunks.js" "$p" | cut -f2)" >>"$BYTES_TSV"
      args+=("$(fit_of "$v"):$p")
    done
  done
  # No silent gaps: a photo without a reference or a score fails the benchmark.
  make_reference "$f" "$WORK/ref.ppm" || { echo "no SSIM reference for $f" >&2; exit 1; }
  "$TOOLS/ssim" "$WORK/ref.ppm" "${args[@]}" >"$WORK/ssim1.txt" ||
    { echo "ssim failed for $f" >&2; exit 1; }
  i=0
  for tool in "${TOOLSET[@]}"; do
    for v in "${VARIANTS[@]}"; do
      line=$(sed -n "$((i + 1))p" "$WORK/ssim1.txt"); i=$((i + 1))
      score=$(cut -f3 <<<"$line")
      [[ $score =~ ^[0-9.]+$ ]] || { echo "no SSIM for $tool $v of $f: '$line'" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\n' "$tool" "$stem" "$v" "$(cut -f2,3 <<<"$line")" >>"$SSIM_TSV"
    done
  done
  rm -f "$WORK/ref.v" "$WORK/ref2.v" "$WORK/rot.v" "$WORK/ref.ppm"
done

# ---- 6. codec floor --------------------------------------------------------
log "codec floor"
LOAD_AFTER="$LOAD_AFTER (after SSIM and before the codec floor: $(cut -d' ' -f1-3 /proc/loadavg))"
if [[ $QUALITY_ONLY == 1 ]]; then
  printf 'file\n' >"$WORK/floor.tsv"; cp "$WORK/floor.tsv" "$WORK/floor-fresh.tsv"
else
  # Every photo edgepix processed (JPEG, WebP, PNG), so the ratio compares like with like.
  "$TOOLS/codec_floor" --reps 3 "${PHOTOS[@]}" >"$WORK/floor-fresh.tsv"
  GLIBC_TUNABLES=$KEEPMEM "$TOOLS/codec_floor" --reps 3 "${PHOTOS[@]}" >"$WORK/floor.tsv"
fi

# ---- 7. latency ------------------------------------------------------------
LAT_TXT="$WORK/latency.txt"; : >"$LAT_TXT"
ACK_TXT="$WORK/ack.txt"; : >"$ACK_TXT"
if [[ $LATENCY == 1 ]]; then
  # Server and client under SCHED_RR when we may (root): the figure is for an
  # idle server, and this box is shared. Two ways of seeing the thumb: polled
  # every 5 ms, and fetched when the long-polled job lists it (as the page does).
  rt=()
  if [[ $(id -u) == 0 ]] && command -v chrt >/dev/null; then rt=(--rt); fi
  for mode in poll notify; do
    extra=(); [[ $mode == notify ]] && extra=(--notify)
    log "upload latency (12 MP, 10 runs, thumb $mode${rt:+, SCHED_RR})"
    echo "== thumb seen by: $mode${rt:+ (server and client SCHED_RR)}; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$LAT_TXT"
    bash "$HERE/upload_latency.sh" --bin "$EDGEPIX" --runs 10 "${rt[@]}" "${extra[@]}" >>"$LAT_TXT" 2>&1 ||
      { cat "$LAT_TXT" >&2; echo "latency run failed" >&2; exit 1; }
  done
  # Upload acknowledgement while both workers are busy: bench/load's client (500
  # held long-polls, uploads of 1.6-4.6 MB wallpapers on a fixed schedule, GET
  # probes), this binary, 30 s at 6 uploads/s. Errors or early long-poll answers
  # fail it, and so the run.
  log "upload acknowledgement under load (30 s, 6 uploads/s, 500 long-polls)"
  EDGEPIX_BIN="$EDGEPIX" bash "$HERE/load/run.sh" 30 6 1 >"$ACK_TXT" 2>&1 ||
    { cat "$ACK_TXT" >&2; echo "load run failed" >&2; exit 1; }
fi

# ---- 8. report -------------------------------------------------------------
mkdir -p "$HERE/results"
# (not `$([[ ... ]] && echo ...)`: false when not quality-only, which under set -e
# ended every full run here, after the latency step, without a report)
if [[ -z "$OUT" ]]; then
  suffix=""
  if [[ $QUALITY_ONLY == 1 ]]; then suffix=-quality; fi
  OUT="$HERE/results/$(date +%Y-%m-%d)-$SET$suffix.md"
fi
node "$HERE/report.js" --set "$SET" --photos "$N" --rounds "$ROUNDS" \
  --runs "$RUNS_TSV" --bytes "$BYTES_TSV" --ssim "$SSIM_TSV" --floor "$WORK/floor.tsv" --floor-fresh "$WORK/floor-fresh.tsv" \
  --latency "$LAT_TXT" --ack "$ACK_TXT" --edgepix "$EDGEPIX" --args "$ARGS" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --photo-list <(printf '%s\n' "${PHOTOS[@]}") >"$OUT"
cp "$SSIM_TSV" "${OUT%.md}-ssim.tsv"  # per photo, tool and variant: the means' inputs
log "results in $OUT (per-photo SSIM: ${OUT%.md}-ssim.tsv)"
cat "$OUT"
exit 0
}
