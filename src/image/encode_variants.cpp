// Smallest-first WebP encoding of the variants, with an optional helper
// thread for the largest one.

#include "image/encode_variants.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <thread>

#include "image/encode_webp.h"

namespace edgepix::image {
namespace {

Result<VariantOutput> EncodeOne(const ReadyVariant& r, int method) {
  EDGEPIX_ASSIGN_OR_RETURN(auto webp, EncodeWebp(*r.pixels, r.spec->quality, method));
  VariantOutput v;
  v.name = r.spec->name;
  v.width = r.pixels->width;
  v.height = r.pixels->height;
  v.webp = std::move(webp);
  return v;
}

int64_t Area(const ReadyVariant& r) { return int64_t(r.pixels->width) * r.pixels->height; }

}  // namespace

Result<std::vector<VariantOutput>> EncodeVariants(
    const std::vector<ReadyVariant>& ready, int webp_method, bool use_helper,
    const std::function<void(const VariantOutput&)>& on_variant) {
  std::vector<size_t> order(ready.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Area(ready[a]) < Area(ready[b]); });
  std::vector<std::optional<Result<VariantOutput>>> done(ready.size());

  // The helper owns the largest variant; it only reads its own slot's inputs
  // and writes its own slot of `done`, joined before anything reads it.
  std::jthread helper;
  size_t helper_idx = ready.size();
  if (use_helper && ready.size() >= 2) {
    helper_idx = order.back();
    order.pop_back();
    helper = std::jthread(
        [&, helper_idx] { done[helper_idx] = EncodeOne(ready[helper_idx], webp_method); });
  }
  Status failed = Status::Ok();
  for (size_t idx : order) {
    done[idx] = EncodeOne(ready[idx], webp_method);
    if (!done[idx]->ok()) {
      failed = done[idx]->status();
      break;
    }
    if (on_variant) on_variant(**done[idx]);
  }
  if (helper.joinable()) helper.join();
  if (!failed.ok()) return failed;
  if (helper_idx < ready.size()) {
    if (!done[helper_idx]->ok()) return done[helper_idx]->status();
    if (on_variant) on_variant(**done[helper_idx]);
  }
  std::vector<VariantOutput> out;
  out.reserve(ready.size());
  for (auto& d : done) out.push_back(std::move(**d));
  return out;
}

}  // namespace edgepix::image
