// The serve command's webhook flags (--webhook, --webhook-allow,
// --webhook-secret, --webhook-retry-schedule, --webhook-timeout) turned into
// a WebhookConfig, and the data directory's generated secret (webhook.secret,
// mode 0600, "whsec_<base64>"), used when --webhook-secret is not given.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "webhooks/config.h"

namespace edgepix::cli {

std::vector<OptionDef> WebhookOptionDefs();
// kBadRequest naming the flag for a malformed value.
Result<webhooks::WebhookConfig> WebhookConfigFrom(const ParsedOptions& options,
                                                  const std::string& data_dir);
// The secret kept in `data_dir` (created on first use).
Result<std::string> LoadOrCreateWebhookSecret(const std::string& data_dir);

}  // namespace edgepix::cli
