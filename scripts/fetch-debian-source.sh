#!/usr/bin/env bash
# Fetches and unpacks Debian source packages with `apt-get source`, at configure
# time: every build compiles cpp-httplib from its Debian source with our patches
# (third_party/httplib.cmake), and the static build (EDGEPIX_STATIC=ON) also lcms2,
# which Debian ships without a static archive.
#
#   scripts/fetch-debian-source.sh DEST BINARY_PACKAGE...
#
# For each binary package (e.g. libcpp-httplib-dev) the source of the installed
# version is unpacked into DEST/<source package>/ (skipped when already there).
# The deb-src entries are derived from the machine's own apt configuration
# (/etc/apt/sources.list and /etc/apt/sources.list.d/*.sources|*.list, same mirrors,
# suites and keys) and used through a private apt state in DEST/.apt: the
# machine's apt configuration and package lists are not changed, and root is not
# needed. Nothing fetched here is ever committed (DEST is a build directory).
set -euo pipefail

dest="${1:?usage: fetch-debian-source.sh DEST BINARY_PACKAGE...}"
shift
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
state="$dest/.apt"

# Which source package and version each binary package comes from.
todo=()
for bin in "$@"; do
  line="$(dpkg-query -W -f='${source:Package} ${source:Version}\n' "$bin" 2>/dev/null | head -1)"
  [[ -n "$line" ]] || { echo "fetch-debian-source: $bin is not installed" >&2; exit 1; }
  src="${line% *}" ver="${line#* }"
  if [[ -f "$dest/$src/.edgepix-version" ]] && [[ "$(cat "$dest/$src/.edgepix-version")" == "$ver" ]]; then
    continue
  fi
  todo+=("$src=$ver")
done
((${#todo[@]})) || exit 0

mkdir -p "$state/etc/sources.list.d" "$state/etc/preferences.d" "$state/lists/partial" \
  "$state/cache/archives/partial"
: >"$state/etc/sources.list"
if [[ -f /etc/apt/sources.list ]]; then
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >>"$state/etc/sources.list"
fi
for f in /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] || continue
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$state/etc/sources.list"
done
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] || continue
  sed 's/^Types:.*/Types: deb-src/' "$f" >"$state/etc/sources.list.d/$(basename "$f")"
done

apt_opts=(
  -o "Dir::Etc::SourceList=$state/etc/sources.list"
  -o "Dir::Etc::SourceParts=$state/etc/sources.list.d"
  -o "Dir::Etc::PreferencesParts=$state/etc/preferences.d"
  -o "Dir::State::Lists=$state/lists"
  -o "Dir::Cache=$state/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
echo "fetch-debian-source: apt-get source ${todo[*]}"
apt-get "${apt_opts[@]}" -qq update
for item in "${todo[@]}"; do
  src="${item%%=*}" ver="${item#*=}"
  work="$dest/.work-$src"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && apt-get "${apt_opts[@]}" -qq source "$src=$ver" >/dev/null)
  unpacked="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)"
  [[ -n "$unpacked" ]] || { echo "fetch-debian-source: nothing unpacked for $src" >&2; exit 1; }
  rm -rf "${dest:?}/$src"
  mv "$unpacked" "$dest/$src"
  echo "$ver" >"$dest/$src/.edgepix-version"
  rm -rf "$work"
done
