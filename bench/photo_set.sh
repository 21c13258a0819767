#!/usr/bin/env bash
# Makes the benchmark's photo set as symlinks with unique stems (photos are read
# in place, never copied). Args: DEST wallpapers|corpus|DIR
#   wallpapers  every distinct /usr/share/wallpapers JPEG of >= 4 MP: 20 files,
#               4.1-14.7 MP, two progressive (Flow, Volna), four with ICC profiles
#   corpus      ../shared/corpus/photos next to the repository
#   DIR         every .jpg/.jpeg/.png/.webp in DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest=$1 set=$2
mkdir -p "$dest"
if [[ $set == wallpapers ]]; then
  # one vipsheader for all files: "PATH: WxH uchar, 3 bands, ..."
  mapfile -t files < <(find /usr/share/wallpapers -name '*.jpg' -type f | sort)
  while IFS= read -r line; do
    f=${line%%: *} dims=${line#*: } dims=${dims%% *} w=${dims%x*} h=${dims#*x}
    ((w * h >= 4000000)) || continue
    rel=${f#/usr/share/wallpapers/} theme=${rel%%/*} dark=""
    [[ $f == */images_dark/* ]] && dark=_dark
    ln -sf "$f" "$dest/${theme}${dark}_${w}x${h}.jpg"
  done < <(vipsheader "${files[@]}" 2>/dev/null)
else
  dir=$set
  [[ $set == corpus ]] && dir="$(cd "$HERE/../.." && pwd)/shared/corpus/photos"
  [[ -d "$dir" ]] || { echo "no photo folder $dir" >&2; exit 1; }
  for f in "$dir"/*; do
    case "${f,,}" in *.jpg | *.jpeg | *.png | *.webp) ln -sf "$f" "$dest/$(basename "$f")" ;; esac
  done
fi
