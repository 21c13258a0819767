#include "unit/support/heif_fixtures.h"

#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "unit/support/fixtures.h"

namespace edgepix::testing {
namespace {

uint32_t Be(const std::string& s, size_t o, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | uint8_t(s[o + i]);
  return v;
}
void PutBe(std::string& s, size_t o, int n, uint64_t v) {
  for (int i = n - 1; i >= 0; --i, v >>= 8) s[o + i] = char(v & 0xff);
}

struct BoxPos {
  size_t start = 0, size = 0, body = 0;  // body: after size/type
};

// Child box `type` of [begin, end), or nullopt.
std::optional<BoxPos> Find(const std::string& s, size_t begin, size_t end, const char* type) {
  for (size_t p = begin; p + 8 <= end;) {
    uint32_t size = Be(s, p, 4);
    if (size < 8 || p + size > end) return std::nullopt;  // largesize/size 0: not heif-enc's
    if (s.compare(p + 4, 4, type) == 0) return BoxPos{p, size, p + 8};
    p += size;
  }
  return std::nullopt;
}

// The irot/imir boxes (in the order they apply) equivalent to EXIF orientation
// o. irot turns anticlockwise by 90 degrees per step; imir axis 0 exchanges
// top and bottom, axis 1 left and right (ISO/IEC 23008-12, as libheif reads it).
std::vector<std::string> TransformBoxes(int o) {
  auto box = [](const char* type, int v) {
    std::string b("\0\0\0\x09", 4);
    b += type;
    b.push_back(char(v));
    return b;
  };
  switch (o) {
    case 2:
      return {box("imir", 1)};
    case 3:
      return {box("irot", 2)};
    case 4:
      return {box("imir", 0)};
    case 5:
      return {box("irot", 1), box("imir", 0)};
    case 6:
      return {box("irot", 3)};
    case 7:
      return {box("irot", 3), box("imir", 0)};
    case 8:
      return {box("irot", 1)};
    default:
      return {};
  }
}

}  // namespace

bool HaveHeifEnc() { return std::system("command -v heif-enc >/dev/null 2>&1") == 0; }

std::string HeifEnc(const std::string& input, const std::string& ext,
                    const std::vector<std::string>& args, const std::string& out_ext) {
  TempDir dir;
  const std::string in = dir.Join("input." + ext), out = dir.Join("output." + out_ext);
  WriteFileOrDie(in, input);
  std::string cmd = "heif-enc";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " -o '" + out + "' '" + in + "' > '" + dir.Join("log") + "' 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc != 0) {
    std::fprintf(stderr, "heif-enc failed (%d): %s\n%s\n", rc, cmd.c_str(),
                 ReadFileOrDie(dir.Join("log")).c_str());
    return "";
  }
  return ReadFileOrDie(out);
}

std::string AddHeifOrientation(const std::string& heif, int orientation) {
  const std::vector<std::string> props = TransformBoxes(orientation);
  if (props.empty()) return heif;
  std::string s = heif;
  auto meta = Find(s, 0, s.size(), "meta");
  if (!meta) return "";
  const size_t meta_children = meta->body + 4, meta_end = meta->start + meta->size;
  auto pitm = Find(s, meta_children, meta_end, "pitm");
  auto iloc = Find(s, meta_children, meta_end, "iloc");
  auto iprp = Find(s, meta_children, meta_end, "iprp");
  if (!pitm || !iloc || !iprp || s[pitm->body] != 0) return "";
  const uint32_t primary = Be(s, pitm->body + 4, 2);
  auto ipco = Find(s, iprp->body, iprp->start + iprp->size, "ipco");
  auto ipma = Find(s, iprp->body, iprp->start + iprp->size, "ipma");
  if (!ipco || !ipma || ipco->start > ipma->start) return "";

  // ipco: count the properties; the new ones are numbered after them (1-based).
  uint32_t count = 0;
  for (size_t p = ipco->body; p + 8 <= ipco->start + ipco->size; ++count) {
    if (Be(s, p, 4) < 8) return "";
    p += Be(s, p, 4);
  }
  std::string prop_bytes;
  for (const auto& b : props) prop_bytes += b;

  // ipma: find the primary item's entry and where its associations end.
  const int version = uint8_t(s[ipma->body]);
  const bool wide = (Be(s, ipma->body + 1, 3) & 1) != 0;
  const uint32_t entries = Be(s, ipma->body + 4, 4);
  size_t p = ipma->body + 8, count_at = 0, insert_at = 0;
  for (uint32_t e = 0; e < entries; ++e) {
    const int id_len = version < 1 ? 2 : 4;
    const uint32_t item = Be(s, p, id_len);
    p += id_len;
    const uint8_t n = uint8_t(s[p]);
    const size_t end = p + 1 + size_t(n) * (wide ? 2 : 1);
    if (item == primary) {
      count_at = p;
      insert_at = end;
    }
    p = end;
  }
  if (!insert_at || uint8_t(s[count_at]) + props.size() > 255) return "";
  std::string index_bytes;
  for (size_t i = 0; i < props.size(); ++i) {
    const uint32_t idx = count + 1 + uint32_t(i);
    if (wide) {
      index_bytes.push_back(char(0x80 | (idx >> 8)));
      index_bytes.push_back(char(idx & 0xff));
    } else {
      index_bytes.push_back(char(0x80 | idx));  // essential, as transforms must be
    }
  }
  const size_t delta = prop_bytes.size() + index_bytes.size();

  // iloc: file offsets of data behind meta move by delta (same size, in place).
  {
    size_t q = iloc->body;
    const int v = uint8_t(s[q]);
    q += 4;
    const int offset_size = uint8_t(s[q]) >> 4, length_size = uint8_t(s[q]) & 15;
    const int base_size = uint8_t(s[q + 1]) >> 4, index_size = v >= 1 ? uint8_t(s[q + 1]) & 15 : 0;
    q += 2;
    const int count_len = v < 2 ? 2 : 4;
    const uint32_t items = Be(s, q, count_len);
    q += count_len;
    for (uint32_t i = 0; i < items; ++i) {
      q += count_len;  // item_ID
      int method = 0;
      if (v >= 1) {
        method = Be(s, q, 2) & 15;
        q += 2;
      }
      q += 2;  // data_reference_index
      const size_t base_at = q;
      const uint64_t base = base_size ? Be(s, q, base_size) : 0;
      q += base_size;
      const uint32_t extents = Be(s, q, 2);
      q += 2;
      if (method == 0 && base_size && base >= meta_end) PutBe(s, base_at, base_size, base + delta);
      for (uint32_t x = 0; x < extents; ++x) {
        q += index_size;
        if (method == 0 && !base_size && offset_size) {
          const uint64_t off = Be(s, q, offset_size);
          if (off >= meta_end) PutBe(s, q, offset_size, off + delta);
        }
        q += offset_size + length_size;
      }
    }
  }

  // Sizes of every box that grows, then the bytes (the later position first).
  s[count_at] = char(uint8_t(s[count_at]) + props.size());
  PutBe(s, ipma->start, 4, ipma->size + index_bytes.size());
  PutBe(s, ipco->start, 4, ipco->size + prop_bytes.size());
  PutBe(s, iprp->start, 4, iprp->size + delta);
  PutBe(s, meta->start, 4, meta->size + delta);
  s.insert(insert_at, index_bytes);
  s.insert(ipco->start + ipco->size, prop_bytes);
  return s;
}

}  // namespace edgepix::testing
