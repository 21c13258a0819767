// Metrics: a small thread-safe Prometheus registry.
//
// Families of counters, gauges and histograms, each with a fixed list of label
// names; a series is one combination of label values. Render() writes the
// Prometheus text exposition format (version 0.0.4): HELP/TYPE lines, then one
// line per series (histograms: cumulative _bucket{le=...}, _sum, _count).
// Label values are escaped, and bytes that are not UTF-8 replaced by U+FFFD
// (callers still keep label values to closed sets: each value is a series). A
// family asked for again with the same name returns the existing one.
// Registry::Default() is the process-wide registry the HTTP server exposes at
// /metrics; code anywhere may record into it. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace edgepix::metrics {

using Labels = std::vector<std::string>;  // values, in the family's label order

class Family {
 public:
  enum class Kind { kCounter, kGauge, kHistogram };
  Family(std::string name, std::string help, Kind kind, std::vector<std::string> label_names,
         std::vector<double> buckets);

  // Counter: adds `v` (>= 0). Gauge: adds `v` (may be negative).
  void Add(const Labels& labels, double v = 1);
  // Gauge only: sets the value.
  void Set(const Labels& labels, double v);
  // Histogram only: records one observation.
  void Observe(const Labels& labels, double v);
  // Counter/gauge value of a series (0 if absent); for tests.
  double Value(const Labels& labels) const;
  // Histogram: number of observations of a series; for tests.
  uint64_t Count(const Labels& labels) const;

  void Render(std::string* out) const;
  const std::string& name() const { return name_; }

 private:
  struct Series {
    double value = 0;               // counter/gauge; histogram sum
    uint64_t count = 0;             // histogram
    std::vector<uint64_t> buckets;  // histogram, non-cumulative
  };
  Series& SeriesFor(const Labels& labels);  // requires mu_
  std::string LabelText(const Labels& labels, const std::string& extra) const;

  const std::string name_, help_;
  const Kind kind_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<Labels, Series> series_;
};

class Registry {
 public:
  Family& Counter(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {});
  Family& Gauge(const std::string& name, const std::string& help,
                std::vector<std::string> label_names = {});
  Family& Histogram(const std::string& name, const std::string& help,
                    std::vector<std::string> label_names, std::vector<double> buckets);
  // Every family, sorted by name, in the text exposition format.
  std::string Render() const;

  static Registry& Default();

 private:
  Family& Get(const std::string& name, const std::string& help, Family::Kind kind,
              std::vector<std::string> label_names, std::vector<double> buckets);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

// Buckets in seconds for request and processing latencies (1 ms .. 60 s).
std::vector<double> LatencyBuckets();

}  // namespace edgepix::metrics
