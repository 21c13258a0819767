#include "common/observe.h"

#include "common/log.h"
#include "common/metrics.h"

namespace edgepix::observe {
namespace {

struct JobMetrics {
  metrics::Family& transitions = metrics::Registry::Default().Counter(
      "edgepix_job_transitions_total", "Job state changes made by the workers, by new status",
      {"status"});
  metrics::Family& failures = metrics::Registry::Default().Counter(
      "edgepix_job_failures_total", "Jobs ended FAILED, by reason (decode failures and others)",
      {"code"});
  metrics::Family& pipeline = metrics::Registry::Default().Histogram(
      "edgepix_pipeline_seconds",
      "Image pipeline time per job (decode once, then every variant), by outcome", {"outcome"},
      metrics::LatencyBuckets());
  metrics::Family& per_variant = metrics::Registry::Default().Histogram(
      "edgepix_variant_seconds",
      "Pipeline time per job divided by the number of variants made (mean time per variant)", {},
      metrics::LatencyBuckets());
  metrics::Family& variant_bytes = metrics::Registry::Default().Counter(
      "edgepix_variant_bytes_total", "Bytes of WebP variants written, by variant", {"variant"});
};

JobMetrics& Metrics() {
  static JobMetrics m;
  return m;
}

}  // namespace

void JobChanged(const std::string& id, const std::string& status, const std::string& error_code) {
  Metrics().transitions.Add({status});
  if (!error_code.empty()) Metrics().failures.Add({error_code});
  log::JobTransition(id, status, error_code);
}

void PipelineRan(std::chrono::steady_clock::time_point start, bool ok, size_t variants) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Metrics().pipeline.Observe({ok ? "ok" : "failed"}, seconds);
  if (ok && variants > 0) Metrics().per_variant.Observe({}, seconds / variants);
}

void VariantStored(const std::string& name, size_t bytes) {
  Metrics().variant_bytes.Add({name}, static_cast<double>(bytes));
}

}  // namespace edgepix::observe
