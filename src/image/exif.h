// EXIF reading with libexif: orientation, DateTimeOriginal (as ISO 8601),
// camera make/model and GPS position in signed decimal degrees.
//
// Input is a TIFF block ("II*\0"/"MM\0*"...), as found after "Exif\0\0" in a
// JPEG APP1 segment, in a PNG eXIf chunk or in a WebP EXIF chunk. Malformed
// EXIF never fails the image: fields that cannot be read stay unset. Strings
// are made valid printable UTF-8 and capped in length.
#pragma once

#include <string>
#include <string_view>

#include "image/pipeline.h"

namespace edgepix::image {

ImageMetadata ParseExif(std::string_view tiff);

// "YYYY:MM:DD HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SS"; empty if malformed or zero.
std::string ExifDateToIso(std::string_view exif_date);

// Keeps printable ASCII and valid UTF-8 sequences, drops control bytes,
// replaces invalid bytes with '?', trims spaces, caps at max_len bytes.
std::string SanitizeText(std::string_view s, size_t max_len = 128);

}  // namespace edgepix::image
