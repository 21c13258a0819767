// lcms2-backed conversion of embedded profiles to sRGB.

#include "image/icc.h"

#include <lcms2.h>

#include <memory>
#include <string>

namespace edgepix::image {
namespace {

struct ProfileCloser {
  void operator()(void* p) const { cmsCloseProfile(p); }
};
struct TransformDeleter {
  void operator()(void* t) const { cmsDeleteTransform(t); }
};
using Profile = std::unique_ptr<void, ProfileCloser>;
using Transform = std::unique_ptr<void, TransformDeleter>;

Profile Open(std::string_view icc) {
  if (icc.size() < 132) return Profile(nullptr);
  return Profile(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
}

bool DescribesSrgb(cmsHPROFILE p) {
  char desc[256] = {0};
  cmsGetProfileInfoASCII(p, cmsInfoDescription, "en", "US", desc, sizeof(desc));
  return std::string(desc).find("sRGB") != std::string::npos;
}

}  // namespace

void ConvertToSrgb(PixelBuffer& buf, std::string_view icc) {
  if (icc.empty() || !buf.data) return;
  Profile in = Open(icc);
  if (!in || cmsGetColorSpace(in.get()) != cmsSigRgbData || DescribesSrgb(in.get())) return;
  Profile srgb(cmsCreate_sRGBProfile());
  if (!srgb) return;
  cmsUInt32Number fmt = buf.channels == 4 ? TYPE_RGBA_8 : TYPE_RGB_8;
  cmsUInt32Number flags = buf.channels == 4 ? cmsFLAGS_COPY_ALPHA : 0;
  Transform t(cmsCreateTransform(in.get(), fmt, srgb.get(), fmt, INTENT_PERCEPTUAL, flags));
  if (!t) return;
  // Row by row: same format in and out, so in place is safe.
  for (int y = 0; y < buf.height; ++y) {
    cmsDoTransform(t.get(), buf.row(y), buf.row(y), static_cast<cmsUInt32Number>(buf.width));
  }
}

Result<PixelBuffer> CmykToRgb(const uint8_t* cmyk, int width, int height, std::string_view icc,
                              bool inverted) {
  EDGEPIX_ASSIGN_OR_RETURN(auto out, PixelBuffer::Allocate(width, height, 3));
  size_t n = size_t(width) * height;
  Profile in = Open(icc);
  if (in && cmsGetColorSpace(in.get()) == cmsSigCmykData) {
    Profile srgb(cmsCreate_sRGBProfile());
    Transform t(cmsCreateTransform(in.get(), inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8, srgb.get(),
                                   TYPE_RGB_8, INTENT_PERCEPTUAL, 0));
    if (t) {
      for (int y = 0; y < height; ++y) {
        cmsDoTransform(t.get(), cmyk + size_t(y) * width * 4, out.row(y),
                       static_cast<cmsUInt32Number>(width));
      }
      return out;
    }
  }
  uint8_t* o = out.pixels();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = cmyk + i * 4;
    int c = p[0], m = p[1], ye = p[2], k = p[3];
    if (!inverted) {
      c = 255 - c;
      m = 255 - m;
      ye = 255 - ye;
      k = 255 - k;
    }
    o[i * 3 + 0] = static_cast<uint8_t>((c * k + 127) / 255);
    o[i * 3 + 1] = static_cast<uint8_t>((m * k + 127) / 255);
    o[i * 3 + 2] = static_cast<uint8_t>((ye * k + 127) / 255);
  }
  return out;
}

}  // namespace edgepix::image
