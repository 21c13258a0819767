// The WebP encode edgepix makes (src/image/encode_webp.cpp), timed alone: for each
// WIDTHxHEIGHT raw RGB file, the best process CPU time of REPS encodes (q85, method 4).
// Usage: encode_libwebp REPS FILE_WxH.rgb...  (bench/encoder/run.sh)
#include <webp/encode.h>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>
static double Cpu() { timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(int argc, char** argv) {
  int reps = atoi(argv[1]); double total = 0; size_t bytes = 0;
  for (int i = 2; i < argc; ++i) {
    std::smatch m; std::string f = argv[i];
    std::regex re("_(\\d+)x(\\d+)\\.rgb$"); std::regex_search(f, m, re);
    int w = std::stoi(m[1]), h = std::stoi(m[2]);
    std::ifstream in(f, std::ios::binary); std::vector<uint8_t> px((std::istreambuf_iterator<char>(in)), {});
    double best = 1e18; size_t b = 0;
    for (int r = 0; r < reps; ++r) {
      double t0 = Cpu();
      WebPConfig c; WebPConfigInit(&c); c.quality = 85; c.method = 4;
      WebPPicture p; WebPPictureInit(&p); p.width = w; p.height = h;
      WebPMemoryWriter wr; WebPMemoryWriterInit(&wr); p.writer = WebPMemoryWrite; p.custom_ptr = &wr;
      WebPPictureImportRGB(&p, px.data(), w * 3); WebPEncode(&c, &p);
      double t = Cpu() - t0; b = wr.size; WebPPictureFree(&p); WebPMemoryWriterClear(&wr);
      if (t < best) best = t;
    }
    total += best; bytes += b;
  }
  printf("debian libwebp %d.%d.%d encode CPU ms total %.1f bytes %zu\n", WebPGetEncoderVersion() >> 16, (WebPGetEncoderVersion() >> 8) & 255, WebPGetEncoderVersion() & 255, total, bytes);
}
