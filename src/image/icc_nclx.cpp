// nclx (H.273 code points) to an ICC profile built with lcms2, so HEIF/AVIF
// colour goes through the same ConvertToSrgb as embedded ICC profiles.

#include <lcms2.h>

#include <cmath>
#include <memory>
#include <string>

#include "image/icc.h"

namespace edgepix::image {
namespace {

struct ProfileCloser {
  void operator()(void* p) const { cmsCloseProfile(p); }
};
struct CurveFreer {
  void operator()(cmsToneCurve* c) const { cmsFreeToneCurve(c); }
};

bool SrgbLikeTransfer(int t) {
  // 2 unspecified: decoders (browsers) show such files as sRGB.
  return t == 1 || t == 2 || t == 6 || t == 13 || t == 14 || t == 15 || t == 16 || t == 18;
}

bool ValidXy(float x, float y) {
  return std::isfinite(x) && std::isfinite(y) && x > 0 && y > 0 && x < 1 && y < 1;
}

// The sRGB curve, lcms2's parametric type 4.
cmsToneCurve* SrgbCurve() {
  const cmsFloat64Number p[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  return cmsBuildParametricToneCurve(nullptr, 4, p);
}

}  // namespace

std::string IccFromNclx(const NclxColour& n) {
  const bool srgb_primaries = n.primaries == 1 || n.primaries == 2;
  if (srgb_primaries && SrgbLikeTransfer(n.transfer)) return {};
  if (!ValidXy(n.red_x, n.red_y) || !ValidXy(n.green_x, n.green_y) ||
      !ValidXy(n.blue_x, n.blue_y) || !ValidXy(n.white_x, n.white_y)) {
    return {};
  }
  cmsToneCurve* curve = nullptr;
  if (n.transfer == 8) {
    curve = cmsBuildGamma(nullptr, 1.0);
  } else if (n.transfer == 4) {
    curve = cmsBuildGamma(nullptr, 2.2);
  } else if (n.transfer == 5) {
    curve = cmsBuildGamma(nullptr, 2.8);
  } else {
    curve = SrgbCurve();  // sRGB-like, PQ and HLG (see icc.h)
  }
  std::unique_ptr<cmsToneCurve, CurveFreer> owned(curve);
  if (!curve) return {};
  cmsCIExyY white{n.white_x, n.white_y, 1.0};
  cmsCIExyYTRIPLE prim{
      {n.red_x, n.red_y, 1.0}, {n.green_x, n.green_y, 1.0}, {n.blue_x, n.blue_y, 1.0}};
  cmsToneCurve* curves[3] = {curve, curve, curve};
  std::unique_ptr<void, ProfileCloser> profile(cmsCreateRGBProfile(&white, &prim, curves));
  if (!profile) return {};
  cmsUInt32Number size = 0;
  if (!cmsSaveProfileToMem(profile.get(), nullptr, &size) || size == 0) return {};
  std::string icc(size, '\0');
  if (!cmsSaveProfileToMem(profile.get(), icc.data(), &size)) return {};
  icc.resize(size);
  return icc;
}

}  // namespace edgepix::image
