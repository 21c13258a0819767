// Test helper: what libwebp's demuxer (the real one) reads from an animated
// WebP: frame count, each frame's duration, loop count, canvas size.
#pragma once

#include <webp/demux.h>

#include <string>
#include <vector>

namespace edgepix::testing {

struct WebpAnimationInfo {
  bool valid = false;
  bool animated = false;  // the ANIMATION flag of VP8X
  int width = 0, height = 0;
  int loop_count = 0;
  std::vector<int> durations_ms;  // one per frame
};

inline WebpAnimationInfo InspectWebpAnimation(const std::string& webp) {
  WebpAnimationInfo info;
  WebPData data{reinterpret_cast<const uint8_t*>(webp.data()), webp.size()};
  WebPDemuxer* demux = WebPDemux(&data);
  if (!demux) return info;
  info.valid = true;
  info.animated = (WebPDemuxGetI(demux, WEBP_FF_FORMAT_FLAGS) & ANIMATION_FLAG) != 0;
  info.width = int(WebPDemuxGetI(demux, WEBP_FF_CANVAS_WIDTH));
  info.height = int(WebPDemuxGetI(demux, WEBP_FF_CANVAS_HEIGHT));
  info.loop_count = int(WebPDemuxGetI(demux, WEBP_FF_LOOP_COUNT));
  WebPIterator it;
  if (WebPDemuxGetFrame(demux, 1, &it)) {
    do {
      info.durations_ms.push_back(it.duration);
    } while (WebPDemuxNextFrame(&it));
    WebPDemuxReleaseIterator(&it);
  }
  WebPDemuxDelete(demux);
  return info;
}

}  // namespace edgepix::testing
