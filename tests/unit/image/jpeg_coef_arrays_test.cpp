// JpegCoefArrays: a multi-scan JPEG's large coefficient arrays live in
// mappings of their own while the image decodes, decode to the same pixels as
// libjpeg's own memory manager gives, and are unmapped when libjpeg frees the
// image (finish) or the object (destroy, also mid-decode).

// <cstdio> before jpeglib.h, which uses FILE and size_t without including them.
#include <cstdio>
// clang-format off
#include <jpeglib.h>
// clang-format on

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "image/jpeg_coef_arrays.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

namespace {

struct Decoder {
  jpeg_decompress_struct d{};
  jpeg_error_mgr err{};
  explicit Decoder(const std::string& jpeg, ei::JpegCoefArrays* arrays) {
    d.err = jpeg_std_error(&err);
    jpeg_create_decompress(&d);
    if (arrays != nullptr) arrays->Install(&d);
    jpeg_mem_src(&d, reinterpret_cast<const unsigned char*>(jpeg.data()),
                 static_cast<unsigned long>(jpeg.size()));
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
  }
  ~Decoder() { jpeg_destroy_decompress(&d); }
  // Reads up to `rows` rows (all by default) into the returned pixels.
  std::vector<unsigned char> Rows(JDIMENSION rows = ~JDIMENSION{0}) {
    std::vector<unsigned char> px(size_t{d.output_width} * d.output_height * 3);
    while (d.output_scanline < d.output_height && d.output_scanline < rows) {
      JSAMPROW row = px.data() + size_t{d.output_scanline} * d.output_width * 3;
      REQUIRE(jpeg_read_scanlines(&d, &row, 1) == 1);
    }
    return px;
  }
};

std::vector<unsigned char> DecodeWithLibjpegMemory(const std::string& jpeg) {
  Decoder plain(jpeg, nullptr);
  jpeg_start_decompress(&plain.d);
  auto px = plain.Rows();
  jpeg_finish_decompress(&plain.d);
  return px;
}

}  // namespace

TEST_CASE("A progressive JPEG's large coefficient arrays are mapped for the decode only",
          "[image][jpeg]") {
  // 1600x1200 4:2:0: the luma array alone is 200x150 blocks of 128 bytes (3.7 MiB).
  const std::string jpeg = et::MakeJpeg(1600, 1200, {}, /*progressive=*/true);
  ei::JpegCoefArrays arrays;
  {
    Decoder dec(jpeg, &arrays);
    REQUIRE(dec.d.progressive_mode);
    CHECK(arrays.mapped_bytes() == 0);
    jpeg_start_decompress(&dec.d);
    CHECK(arrays.mapped_bytes() >= size_t{200} * 150 * sizeof(JBLOCK));
    const auto px = dec.Rows();
    jpeg_finish_decompress(&dec.d);
    CHECK(arrays.mapped_bytes() == 0);  // the image pool is freed at finish
    CHECK(px == DecodeWithLibjpegMemory(jpeg));
  }
  CHECK(arrays.mapped_bytes() == 0);
}

TEST_CASE("Destroying a progressive decode half way unmaps its coefficient arrays",
          "[image][jpeg]") {
  const std::string jpeg = et::MakeJpeg(1600, 1200, {}, /*progressive=*/true);
  ei::JpegCoefArrays arrays;
  {
    Decoder dec(jpeg, &arrays);
    jpeg_start_decompress(&dec.d);
    dec.Rows(600);
    CHECK(dec.d.output_scanline == 600);
    CHECK(arrays.mapped_bytes() > 0);
  }  // jpeg_destroy_decompress without finish
  CHECK(arrays.mapped_bytes() == 0);
}

TEST_CASE("Small progressive and baseline JPEGs keep libjpeg's own memory", "[image][jpeg]") {
  // 320x240: every coefficient array is under JpegCoefArrays::kMinMappedBytes.
  for (bool progressive : {true, false}) {
    const std::string jpeg =
        progressive ? et::MakeJpeg(320, 240, {}, true) : et::MakeJpeg(1600, 1200, {}, false);
    ei::JpegCoefArrays arrays;
    Decoder dec(jpeg, &arrays);
    jpeg_start_decompress(&dec.d);
    CHECK(arrays.mapped_bytes() == 0);
    const auto px = dec.Rows();
    jpeg_finish_decompress(&dec.d);
    CHECK(px == DecodeWithLibjpegMemory(jpeg));
  }
}
