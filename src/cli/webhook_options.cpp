#include "cli/webhook_options.h"

#include <cstdio>

#include "cli/data_secret.h"
#include "storage/env.h"
#include "webhooks/signer.h"

namespace edgepix::cli {

std::vector<OptionDef> WebhookOptionDefs() {
  return {
      {"webhook", "", "POST every job.completed, job.failed and batch.completed event here", true},
      {"webhook-allow", "the --webhook URLs",
       "URL prefix a batch's callback_url may start with (else 422)", true},
      {"webhook-secret", "generated in the data dir",
       "whsec_<base64> key webhooks are signed with (edgepix webhook-secret prints the generated "
       "one)"},
      {"webhook-retry-schedule", "5s,5m,30m,2h,5h,10h,10h",
       "delays between a failed webhook attempt and the next; then the delivery is dead"},
      {"webhook-timeout", "10",
       "seconds one webhook attempt may take (connect, send, answer); with --jobs-url postgres "
       "a node's claim on a delivery lasts this plus 5 s, then another node may send it"},
  };
}

Result<std::string> LoadOrCreateWebhookSecret(const std::string& data_dir) {
  return LoadOrCreateSecret(data_dir + "/webhook.secret", webhooks::NewWebhookSecret);
}

Result<webhooks::WebhookConfig> WebhookConfigFrom(const ParsedOptions& options,
                                                  const std::string& data_dir) {
  webhooks::WebhookConfig config;
  config.endpoints = options.GetAll("webhook");
  for (const std::string& url : config.endpoints) {
    EDGEPIX_RETURN_IF_ERROR(webhooks::CheckEndpointUrl("webhook", url));
  }
  config.allow_prefixes =
      options.Has("webhook-allow") ? options.GetAll("webhook-allow") : config.endpoints;
  std::string secret = options.Has("webhook-secret") ? options.Get("webhook-secret") : "";
  if (secret.empty()) {
    EDGEPIX_ASSIGN_OR_RETURN(secret, LoadOrCreateWebhookSecret(data_dir));
  }
  auto key = webhooks::WebhookKeyFromSecret(secret);
  if (!key.ok()) {
    return Status::Error(ErrorCode::kBadRequest, "--webhook-secret: " + key.status().message());
  }
  config.key = *key;
  config.retry_schedule = webhooks::DefaultRetrySchedule();
  if (options.Has("webhook-retry-schedule")) {
    EDGEPIX_ASSIGN_OR_RETURN(config.retry_schedule,
                             webhooks::ParseRetrySchedule(options.Get("webhook-retry-schedule")));
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto timeout, options.GetInt("webhook-timeout", 1, 3600));
  config.timeout = std::chrono::seconds(timeout);
  return config;
}

int RunWebhookSecret(const std::vector<std::string>& args) {
  const std::vector<OptionDef> defs = {{"data", "./edgepix-data", "the data directory serve uses"}};
  auto parsed = ParseOptions(defs, args, ProcessEnvironment());
  if (!parsed.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help()) {
    std::fputs(HelpText("Usage: edgepix webhook-secret [--data DIR]", defs).c_str(), stdout);
    return 0;
  }
  const std::string data_dir = parsed->Get("data");
  if (Status st = Env::Default()->CreateDirs(data_dir); !st.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", st.message().c_str());
    return 1;
  }
  auto secret = LoadOrCreateWebhookSecret(data_dir);
  if (!secret.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", secret.status().message().c_str());
    return 1;
  }
  std::printf("%s\n", secret->c_str());
  return 0;
}

}  // namespace edgepix::cli
