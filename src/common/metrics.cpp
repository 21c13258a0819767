#include "common/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace edgepix::metrics {
namespace {

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if it is not one.
size_t Utf8Length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (c >= 0xf5) n = 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  if (c == 0xe0 && b(i + 1) < 0xa0) return 0;
  if (c == 0xed && b(i + 1) > 0x9f) return 0;
  if (c == 0xf0 && b(i + 1) < 0x90) return 0;
  if (c == 0xf4 && b(i + 1) > 0x8f) return 0;
  return n;
}

// Prometheus needs UTF-8 label values: bytes that are not become U+FFFD, so
// one odd value can never make the whole exposition unparseable.
std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    const size_t n = Utf8Length(v, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(v, i, n);
      i += n;
      continue;
    }
    const char c = v[i++];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Family::Family(std::string name, std::string help, Kind kind, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      kind_(kind),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

Family::Series& Family::SeriesFor(const Labels& labels) {
  Labels key = labels;
  key.resize(label_names_.size());  // missing values are empty, extras dropped
  auto it = series_.find(key);
  if (it == series_.end()) {
    it = series_.emplace(key, Series{}).first;
    if (kind_ == Kind::kHistogram) it->second.buckets.assign(buckets_.size(), 0);
  }
  return it->second;
}

void Family::Add(const Labels& labels, double v) {
  if (kind_ == Kind::kHistogram || (kind_ == Kind::kCounter && v < 0)) return;
  std::lock_guard<std::mutex> lock(mu_);
  SeriesFor(labels).value += v;
}

void Family::Set(const Labels& labels, double v) {
  if (kind_ != Kind::kGauge) return;
  std::lock_guard<std::mutex> lock(mu_);
  SeriesFor(labels).value = v;
}

void Family::Observe(const Labels& labels, double v) {
  if (kind_ != Kind::kHistogram) return;
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = SeriesFor(labels);
  s.value += v;
  s.count += 1;
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), v);
  if (it != buckets_.end()) s.buckets[static_cast<size_t>(it - buckets_.begin())] += 1;
}

double Family::Value(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  Labels key = labels;
  key.resize(label_names_.size());
  auto it = series_.find(key);
  return it == series_.end() ? 0 : it->second.value;
}

uint64_t Family::Count(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  Labels key = labels;
  key.resize(label_names_.size());
  auto it = series_.find(key);
  return it == series_.end() ? 0 : it->second.count;
}

std::string Family::LabelText(const Labels& labels, const std::string& extra) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size(); ++i) {
    if (!out.empty()) out += ",";
    out += label_names_[i] + "=\"" + EscapeLabel(labels[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void Family::Render(std::string* out) const {
  static const char* kTypes[] = {"counter", "gauge", "histogram"};
  *out += "# HELP " + name_ + " " + EscapeHelp(help_) + "\n";
  *out += "# TYPE " + name_ + " " + kTypes[static_cast<int>(kind_)] + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, s] : series_) {
    if (kind_ != Kind::kHistogram) {
      *out += name_ + LabelText(labels, "") + " " + FormatNumber(s.value) + "\n";
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.buckets[i];
      *out += name_ + "_bucket" + LabelText(labels, "le=\"" + FormatNumber(buckets_[i]) + "\"") +
              " " + std::to_string(cumulative) + "\n";
    }
    *out +=
        name_ + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
    *out += name_ + "_sum" + LabelText(labels, "") + " " + FormatNumber(s.value) + "\n";
    *out += name_ + "_count" + LabelText(labels, "") + " " + std::to_string(s.count) + "\n";
  }
}

Family& Registry::Get(const std::string& name, const std::string& help, Family::Kind kind,
                      std::vector<std::string> label_names, std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) return *it->second;
  std::sort(buckets.begin(), buckets.end());
  auto family =
      std::make_unique<Family>(name, help, kind, std::move(label_names), std::move(buckets));
  Family& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

Family& Registry::Counter(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names) {
  return Get(name, help, Family::Kind::kCounter, std::move(label_names), {});
}

Family& Registry::Gauge(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names) {
  return Get(name, help, Family::Kind::kGauge, std::move(label_names), {});
}

Family& Registry::Histogram(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names, std::vector<double> buckets) {
  return Get(name, help, Family::Kind::kHistogram, std::move(label_names), std::move(buckets));
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, family] : families_) family->Render(&out);
  return out;
}

Registry& Registry::Default() {
  static Registry registry;
  return registry;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace edgepix::metrics
