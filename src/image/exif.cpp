// EXIF field extraction on top of libexif.

#include "image/exif.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <optional>

namespace edgepix::image {
namespace {

struct ExifDataDeleter {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};

std::string_view AsciiValue(ExifEntry* e) {
  if (!e || !e->data || e->size == 0) return {};
  if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED) return {};
  std::string_view s(reinterpret_cast<const char*>(e->data), e->size);
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

std::optional<double> Degrees(ExifEntry* e, ExifByteOrder order) {
  // Some writers (phones) use SRATIONAL where the standard says RATIONAL.
  bool is_signed = e && e->format == EXIF_FORMAT_SRATIONAL;
  if (!e || !e->data || (e->format != EXIF_FORMAT_RATIONAL && !is_signed) || e->components < 3 ||
      e->size < 24) {
    return std::nullopt;
  }
  double parts[3];
  for (int i = 0; i < 3; ++i) {
    double num, den;
    if (is_signed) {
      ExifSRational r = exif_get_srational(e->data + 8 * i, order);
      num = r.numerator;
      den = r.denominator;
    } else {
      ExifRational r = exif_get_rational(e->data + 8 * i, order);
      num = r.numerator;
      den = r.denominator;
    }
    if (den == 0) {
      if (num != 0) return std::nullopt;
      parts[i] = 0;
    } else {
      parts[i] = std::abs(num / den);
    }
  }
  double v = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

int Orientation(ExifEntry* e, ExifByteOrder order) {
  if (!e || !e->data || e->components < 1) return 1;
  int v = 0;
  if (e->format == EXIF_FORMAT_SHORT && e->size >= 2)
    v = exif_get_short(e->data, order);
  else if (e->format == EXIF_FORMAT_LONG && e->size >= 4)
    v = int(exif_get_long(e->data, order));
  else if (e->format == EXIF_FORMAT_BYTE && e->size >= 1)
    v = e->data[0];
  return v >= 1 && v <= 8 ? v : 1;
}

}  // namespace

std::string SanitizeText(std::string_view s, size_t max_len) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < max_len;) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != 0x7F) out.push_back(char(c));
      ++i;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = n > 0 && i + n <= s.size() && c >= 0xC2 && c <= 0xF4;
    for (int k = 1; valid && k < n; ++k)
      valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (valid && out.size() + n <= max_len) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  size_t e = out.find_last_not_of(' ');
  return out.substr(b, e - b + 1);
}

std::string ExifDateToIso(std::string_view d) {
  if (d.size() < 19) return {};
  auto sep = [&](int i, const char* allowed) { return std::strchr(allowed, d[i]) != nullptr; };
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (d[i] < '0' || d[i] > '9') return {};
  }
  if (!sep(4, ":-") || !sep(7, ":-") || !sep(10, " T") || !sep(13, ":") || !sep(16, ":")) {
    return {};
  }
  std::string iso(d.substr(0, 19));
  iso[4] = '-';
  iso[7] = '-';
  iso[10] = 'T';
  int month = (iso[5] - '0') * 10 + (iso[6] - '0');
  int day = (iso[8] - '0') * 10 + (iso[9] - '0');
  if (iso.compare(0, 4, "0000") == 0 || month < 1 || month > 12 || day < 1 || day > 31) return {};
  return iso;
}

ImageMetadata ParseExif(std::string_view tiff) {
  ImageMetadata md;
  if (tiff.size() < 8) return md;
  std::string buf("Exif\0\0", 6);
  buf.append(tiff);
  std::unique_ptr<ExifData, ExifDataDeleter> ed(exif_data_new());
  if (!ed) return md;
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_load_data(ed.get(), reinterpret_cast<const unsigned char*>(buf.data()),
                      static_cast<unsigned int>(buf.size()));
  ExifByteOrder order = exif_data_get_byte_order(ed.get());
  ExifContent* ifd0 = ed->ifd[EXIF_IFD_0];
  ExifContent* exif = ed->ifd[EXIF_IFD_EXIF];
  ExifContent* gps = ed->ifd[EXIF_IFD_GPS];

  md.orientation = Orientation(exif_content_get_entry(ifd0, EXIF_TAG_ORIENTATION), order);
  std::string make = SanitizeText(AsciiValue(exif_content_get_entry(ifd0, EXIF_TAG_MAKE)));
  std::string model = SanitizeText(AsciiValue(exif_content_get_entry(ifd0, EXIF_TAG_MODEL)));
  if (!make.empty()) md.camera_make = make;
  if (!model.empty()) md.camera_model = model;
  std::string date =
      ExifDateToIso(AsciiValue(exif_content_get_entry(exif, EXIF_TAG_DATE_TIME_ORIGINAL)));
  if (date.empty()) {
    date = ExifDateToIso(AsciiValue(exif_content_get_entry(exif, EXIF_TAG_DATE_TIME_DIGITIZED)));
  }
  if (!date.empty()) md.taken_at = date;

  auto lat =
      Degrees(exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE)), order);
  auto lon =
      Degrees(exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE)), order);
  std::string_view lat_ref =
      AsciiValue(exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE_REF)));
  std::string_view lon_ref =
      AsciiValue(exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE_REF)));
  if (lat && lon && *lat <= 90.0 && *lon <= 180.0) {
    GpsPoint g;
    g.lat = (!lat_ref.empty() && (lat_ref[0] == 'S' || lat_ref[0] == 's')) ? -*lat : *lat;
    g.lon = (!lon_ref.empty() && (lon_ref[0] == 'W' || lon_ref[0] == 'w')) ? -*lon : *lon;
    md.gps = g;
  }
  return md;
}

}  // namespace edgepix::image
