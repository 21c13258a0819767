// TimedJobStore: a JobStore that forwards every call to another one and
// records how long it took in the histogram
// edgepix_job_store_seconds{store,op} (Registry::Default(), /metrics).
//
// `store` is the label value ("sqlite", "postgresql"); `op` is the method
// (insert, get, claim_next, publish_variant, mark_completed, ...), a closed
// set. A call's time includes its retries inside the store and, for
// publish_variant, the blob store's publish that runs inside its transaction.
// Failed calls are timed too. Thread-safe as the wrapped store is.
#pragma once

#include <memory>
#include <string>

#include "jobs/job_store.h"

namespace edgepix {

std::unique_ptr<JobStore> NewTimedJobStore(std::unique_ptr<JobStore> inner,
                                           const std::string& store_label);

}  // namespace edgepix
