// HEIC/AVIF fixtures made by the tests with Debian's heif-enc (libheif-examples),
// and a box editor that gives a file the irot/imir transform of an EXIF
// orientation, which heif-enc 1.15 cannot write itself.
//
// Nothing here decodes; tests compare what the pipeline makes of these files
// with what it makes of the JPEG/PNG they came from. Not thread-safe across
// calls sharing a TempDir (each call uses its own files).
#pragma once

#include <string>
#include <vector>

namespace edgepix::testing {

// heif-enc on PATH (the tests that need it skip, never pass, without it).
bool HaveHeifEnc();

// Runs heif-enc on `input` (written to a temp file named input.<ext>) with
// `args` (e.g. {"-q", "90"} or {"--avif", "-b", "10"}); returns the encoded
// file, or "" (and prints heif-enc's output) when it fails. `out_ext` is
// "heic" or "avif".
std::string HeifEnc(const std::string& input, const std::string& ext,
                    const std::vector<std::string>& args, const std::string& out_ext = "heic");

// The same HEIF file with `irot`/`imir` properties appended to ipco and
// associated (essential) with the primary item, equivalent to EXIF
// `orientation` (1..8; 1 returns the file unchanged): a viewer that honours
// them shows the coded image as the EXIF orientation would. meta and every
// box holding the new bytes grow, and iloc's file offsets behind meta are
// moved by as much. Returns "" if the file is not laid out as heif-enc writes
// it (meta before mdat, 32-bit box sizes).
std::string AddHeifOrientation(const std::string& heif, int orientation);

}  // namespace edgepix::testing
