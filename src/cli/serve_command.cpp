// `edgepix serve`: wires the blob store, the job store, the workers and the HTTP
// server, recovers work a crash left behind, and runs until SIGINT/SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>

#include "cli/blob_options.h"
#include "cli/client_urls.h"
#include "cli/commands.h"
#include "cli/data_secret.h"
#include "cli/event_access.h"
#include "cli/image_options.h"
#include "cli/jobs_options.h"
#include "cli/options.h"
#include "cli/s3_notify.h"
#include "cli/s3_options.h"
#include "cli/security_options.h"
#include "cli/shutdown_signals.h"
#include "cli/webhook_options.h"
#include "common/log.h"
#include "common/qr_code.h"
#include "http/access.h"
#include "http/grant_tokens.h"
#include "http/server.h"
#include "jobs/batch_upkeep.h"
#include "jobs/intake.h"
#include "jobs/job_notifier.h"
#include "jobs/job_processor.h"
#include "jobs/job_store.h"
#include "jobs/pg_change_listener.h"
#include "jobs/pg_job_store.h"
#include "jobs/retention.h"
#include "jobs/sqlite_stores.h"
#include "jobs/startup_recovery.h"
#include "jobs/timed_job_store.h"
#include "jobs/worker_pool.h"
#include "s3/multipart_index.h"
#include "s3/object_index.h"
#include "s3/pg_indexes.h"
#include "s3/prefix_batches.h"
#include "s3/s3_server.h"
#include "s3/sqlite_multipart_index.h"
#include "s3/sqlite_object_index.h"
#include "storage/blob_store.h"
#include "storage/env.h"
#include "storage/s3_blob_store.h"
#include "webhooks/dispatcher.h"
#include "webhooks/pg_outbox.h"
#include "webhooks/sender.h"

namespace edgepix::cli {
namespace {

std::vector<OptionDef> ServeOptionDefs() {
  std::vector<OptionDef> defs = {
      {"listen", "127.0.0.1:8080", "address and port to listen on (port 0 = any free port)"},
      {"data", "./edgepix-data", "directory for the database, originals and variants"},
      {"workers", "number of cores",
       "image worker threads (0, with --jobs-url postgres: a node that only serves the API)"},
      {"http-threads", "1024",
       "most HTTP connection threads, started as needed (each long-poll/SSE holds one)"},
      {"http-backlog", "256", "connections waiting for a thread; beyond it: 503"},
      {"read-timeout", "30", "seconds a client may stay silent while sending a request"},
      {"max-attempts", "5", "processing attempts (crashes, full disk) before a job FAILS"},
      {"retain", "", "delete images older than this (e.g. 7d, 12h, 30m); default: keep"},
      {"batch-ttl", "24h", "close a batch that was never completed after this long"},
      {"max-upload-mb", "50", "largest accepted file, in MiB"},
      {"max-queue", "1000", "pending jobs before uploads get 503 + Retry-After"},
      {"min-free-mb", "64", "free disk space kept; below it uploads get 507"},
      {"quiet", "", "do not log requests and job transitions", false, true},
      {"event-title", "",
       "the event's name, shown on the upload page (plain text; GET /api/event)"},
      {"event-welcome", "", "a welcome line under the title on the upload page (plain text)"},
      {"moderate", "",
       "guests' photos wait for the owner's approval (Approve / Hide on the owner's page) before "
       "the wall, the gallery and the download of everything show them",
       false, true},
  };
  for (auto& d : JobsOptionDefs()) defs.push_back(d);
  for (auto& d : ImageOptionDefs()) defs.push_back(d);
  for (auto& d : SecurityOptionDefs()) defs.push_back(d);
  for (auto& d : WebhookOptionDefs()) defs.push_back(d);
  for (auto& d : S3OptionDefs()) defs.push_back(d);
  for (auto& d : BlobOptionDefs()) defs.push_back(d);
  return defs;
}

Result<std::pair<std::string, int>> ParseListen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::Error(ErrorCode::kBadRequest, "--listen must be HOST:PORT, got '" + text + "'");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  char* end = nullptr;
  long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == text.size()) {
    return Status::Error(ErrorCode::kBadRequest, "--listen has a bad port: '" + text + "'");
  }
  return std::make_pair(host, static_cast<int>(port));
}

// --event-title (up to 200 bytes) and --event-welcome (up to 1000): plain text
// without control characters (the page shows it as text, never as HTML).
Result<EventBranding> BrandingFrom(const ParsedOptions& parsed) {
  EventBranding b{parsed.Get("event-title"), parsed.Get("event-welcome")};
  for (const auto& [flag, text, max] :
       {std::tuple{"event-title", &b.title, 200}, std::tuple{"event-welcome", &b.welcome, 1000}}) {
    if (text->size() > static_cast<size_t>(max)) {
      return Status::Error(ErrorCode::kBadRequest,
                           std::string("--") + flag + " is over " + std::to_string(max) + " bytes");
    }
    for (unsigned char c : *text) {
      if (c < 0x20 || c == 0x7f) {
        return Status::Error(ErrorCode::kBadRequest,
                             std::string("--") + flag + " must not contain control characters");
      }
    }
  }
  return b;
}

int Fail(const Status& st) {
  log::Error(st.message());
  return st.code() == ErrorCode::kBadRequest ? 2 : 1;
}

// "http://192.168.1.20:8080/" -> "192.168.1.20" (IPv6 without brackets).
std::string FirstHost(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::string authority = url.substr(start, url.find('/', start) - start);
  if (!authority.empty() && authority.front() == '[') {
    return authority.substr(1, authority.find(']') - 1);
  }
  return authority.substr(0, authority.rfind(':'));
}

struct BannerLinks {
  std::vector<std::string> urls;  // ClientUrls: every interface address, then loopback
  std::string guest_code;         // empty = no guest links
  std::string owner_token;        // printed only when generated (the owner did not choose it)
  std::string wall_key;           // printed with the owner link (http/access.h)
  std::string first_host;         // the host of urls.front()
};

void LogRecovery(const RecoveryReport& r) {
  if (r.requeued + r.poisoned + r.orphans_removed + r.orphans_young == 0) return;
  log::Diagnostic("recovery", {{"requeued", static_cast<int64_t>(r.requeued)},
                               {"poisoned", static_cast<int64_t>(r.poisoned)},
                               {"orphans_removed", static_cast<int64_t>(r.orphans_removed)},
                               {"orphans_young", static_cast<int64_t>(r.orphans_young)}});
}

// Where to point a browser. Text: for people, on stdout. JSON: one event through
// the log like every other line, so log shippers see only JSON. The owner link
// carries the token in the fragment ("#token="), which browsers never send.
void PrintBanner(const BannerLinks& links, const std::string& data_dir, int workers) {
  const auto& urls = links.urls;
  std::vector<std::string> guest_urls;
  if (!links.guest_code.empty()) {
    for (const auto& u : urls) guest_urls.push_back(u + "?g=" + links.guest_code);
  }
  const std::string owner_url =
      links.owner_token.empty() ? "" : urls.front() + "#token=" + links.owner_token;
  const std::string wall_url =
      owner_url.empty() || links.wall_key.empty() ? "" : urls.front() + "wall?k=" + links.wall_key;
  if (log::GetFormat() == log::Format::kJson) {
    auto join = [](const std::vector<std::string>& v) {
      std::string joined;
      for (const auto& u : v) joined += (joined.empty() ? "" : " ") + u;
      return joined;
    };
    log::Diagnostic("serving", {{"urls", join(urls)},
                                {"guest_urls", join(guest_urls)},
                                {"owner_url", owner_url},
                                {"wall_url", wall_url},
                                {"data", data_dir},
                                {"workers", static_cast<int64_t>(workers)}});
    return;
  }
  std::printf("edgepix serving on %s  (open it in a browser to upload)\n", urls.front().c_str());
  for (size_t i = 1; i < urls.size(); ++i)
    std::printf("                also %s\n", urls[i].c_str());
  if (!owner_url.empty()) {
    std::printf("owner link (keep it to yourself): %s\n", owner_url.c_str());
    if (!wall_url.empty()) std::printf("wall (for a projector): %s\n", wall_url.c_str());
  }
  for (const auto& g : guest_urls) std::printf("guest link: %s\n", g.c_str());
  // The first guest link a phone can use, as a QR code, for a person at the terminal.
  if (!guest_urls.empty() && ::isatty(STDOUT_FILENO) && !IsLoopbackHost(links.first_host)) {
    if (auto qr = EncodeQr(guest_urls.front()); qr.ok()) {
      std::printf("scan to join (%s):\n%s", guest_urls.front().c_str(), QrHalfBlocks(*qr).c_str());
    }
  }
  std::printf("data in %s, %d image worker(s)\n", data_dir.c_str(), workers);
  std::fflush(stdout);
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  const auto defs = ServeOptionDefs();
  auto parsed = ParseOptions(defs, args, ProcessEnvironment());
  if (!parsed.ok()) return Fail(parsed.status());
  if (Status st = ApplyLogFormat(*parsed); !st.ok()) return Fail(st);
  if (parsed->help()) {
    std::fputs(HelpText("Usage: edgepix serve [options]", defs).c_str(), stdout);
    return 0;
  }
  if (!parsed->positional().empty()) {
    return Fail(Status::Error(ErrorCode::kBadRequest,
                              "unexpected argument '" + parsed->positional()[0] + "'"));
  }
  auto listen = ParseListen(parsed->Get("listen"));
  if (!listen.ok()) return Fail(listen.status());
  auto s3_options = S3OptionsFrom(*parsed);
  if (!s3_options.ok()) return Fail(s3_options.status());
  auto blobs_config = BlobsConfigFrom(*parsed, ProcessEnvironment());
  if (!blobs_config.ok()) return Fail(blobs_config.status());
  auto blobs_grace = BlobsGraceSecondsFrom(*parsed);
  if (!blobs_grace.ok()) return Fail(blobs_grace.status());
  if (*blobs_config) (*blobs_config)->stale_after_seconds = *blobs_grace;
  auto image = ImageSettingsFrom(*parsed);
  if (!image.ok()) return Fail(image.status());
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Result<int64_t> workers =
      parsed->Has("workers") ? parsed->GetInt("workers", 0, 256) : Result<int64_t>(cores);
  auto http_threads = parsed->GetInt("http-threads", 4, 10000);
  auto max_upload_mb = parsed->GetInt("max-upload-mb", 1, 1 << 20);
  auto max_queue = parsed->GetInt("max-queue", 1, 100000000);
  auto min_free_mb = parsed->GetInt("min-free-mb", 0, 1 << 30);
  auto http_backlog = parsed->GetInt("http-backlog", 0, 100000);
  auto read_timeout = parsed->GetInt("read-timeout", 1, 3600);
  auto max_attempts = parsed->GetInt("max-attempts", 1, 1000);
  std::optional<std::chrono::seconds> retain;
  if (!parsed->Get("retain").empty()) {
    auto r = ParseRetention(parsed->Get("retain"));
    if (!r.ok()) return Fail(r.status());
    retain = *r;
  }
  auto batch_ttl = ParseRetention(parsed->Get("batch-ttl"));
  if (!batch_ttl.ok()) {
    return Fail(
        Status::Error(ErrorCode::kBadRequest, "--batch-ttl: " + batch_ttl.status().message()));
  }
  for (const auto* r : {&workers, &http_threads, &max_upload_mb, &max_queue, &min_free_mb,
                        &http_backlog, &read_timeout, &max_attempts}) {
    if (!r->ok()) return Fail(r->status());
  }
  auto pg_options =
      PgJobStoreOptionsFrom(*parsed, static_cast<int>(*workers), static_cast<int>(*http_threads),
                            static_cast<int>(*max_attempts), listen->second);
  if (!pg_options.ok()) return Fail(pg_options.status());
  // Alone, a node without workers would never finish a job.
  if (*workers == 0 && !*pg_options) {
    return Fail(Status::Error(ErrorCode::kBadRequest,
                              "--workers 0 needs --jobs-url postgres://... (other nodes process)"));
  }

  // SIGINT/SIGTERM end up as a byte on a pipe the shutdown thread reads (see
  // shutdown_signals.h); install before any other thread starts.
  auto signals = ShutdownSignals::Install();
  if (!signals.ok()) return Fail(signals.status());
  signal(SIGPIPE, SIG_IGN);
  webhooks::CurlGlobalInit();

  const std::string data_dir = parsed->Get("data");
  Env* env = Env::Default();
  if (Status st = env->CreateDirs(data_dir); !st.ok()) return Fail(st);
  auto blobs = *blobs_config ? OpenS3BlobStore(**blobs_config) : OpenLocalBlobStore(env, data_dir);
  if (!blobs.ok()) return Fail(blobs.status());
  auto webhook_config = WebhookConfigFrom(*parsed, data_dir);
  if (!webhook_config.ok()) return Fail(webhook_config.status());
  // Declared before the stores, which wake their waiters on every change.
  JobNotifier notifier;
  webhooks::Dispatcher webhook_dispatcher(*webhook_config);
  SqliteStoreHooks hooks;
  hooks.on_batch_changed = [&notifier](const std::string& id) { notifier.Notify(id); };
  webhook_dispatcher.InstallHooks(&hooks);
  hooks.on_job_event = [&notifier] { notifier.Notify(kJobEventsTopic); };
  // The embedded SQLite file, or one PostgreSQL shared by several nodes (the
  // webhook outbox beside the jobs in either).
  SqliteStores stores;
  std::unique_ptr<JobStore> pg_store;
  std::unique_ptr<PgChangeListener> pg_listener;
  if (*pg_options) {
    PgStoreHooks pg_hooks;
    webhook_dispatcher.InstallHooks(&pg_hooks);
    // A job a lease reclaim ended FAILED keeps nothing servable of its
    // stalled run (as a failed attempt on one node).
    pg_hooks.after_poisoned = [blob_store = blobs->get()](const std::vector<std::string>& ids) {
      for (const std::string& id : ids) {
        if (Status st = blob_store->DeleteVariants(id); !st.ok()) {
          log::Warning("cannot remove the variants of poisoned job " + id + ": " + st.ToString());
        }
      }
    };
    auto opened = OpenPgStores(**pg_options, std::move(pg_hooks));
    if (!opened.ok()) return Fail(opened.status());
    pg_store = std::move(opened->jobs);
    stores.batches = std::move(opened->batches);
    stores.grants = std::move(opened->grants);
    // Changes made on any node wake this node's waiters; every few seconds
    // they read again anyway, as a NOTIFY lost in a reconnect is not replayed.
    // Outbox rows written on any node wake every node's dispatcher too.
    pg_listener = std::make_unique<PgChangeListener>(
        (*pg_options)->url,
        [&notifier, &webhook_dispatcher](const std::string& key) {
          if (key == webhooks::kWebhooksTopic) {
            webhook_dispatcher.Wake();
          } else {
            notifier.Notify(key);
          }
        },
        [&notifier, &webhook_dispatcher] {
          notifier.NotifyAll();
          webhook_dispatcher.Wake();
        },
        (*pg_options)->recheck);
    // Every node sends from the shared outbox; a claim outlasts one attempt.
    webhooks::PgOutboxOptions outbox_options;
    outbox_options.url = (*pg_options)->url;
    outbox_options.node_id = (*pg_options)->node_id;
    outbox_options.claim_lease = webhook_config->timeout + std::chrono::seconds(5);
    auto outbox = webhooks::PgOutbox::Open(outbox_options);
    if (!outbox.ok()) return Fail(outbox.status());
    webhook_dispatcher.Start(std::move(*outbox));
    log::Diagnostic("job_store", {{"kind", "postgresql"}, {"node", (*pg_options)->node_id}});
  } else {
    auto opened = OpenSqliteStores(data_dir + "/jobs.db", std::move(hooks));
    if (!opened.ok()) return Fail(opened.status());
    stores = std::move(*opened);
    std::unique_ptr<webhooks::Outbox> outbox;
    try {
      outbox = std::make_unique<webhooks::SqliteOutbox>(data_dir + "/jobs.db", stores.write);
    } catch (const std::exception& e) {
      return Fail(Status::Error(ErrorCode::kUnavailable,
                                std::string("open the webhook outbox: ") + e.what()));
    }
    webhook_dispatcher.Start(std::move(outbox));
  }
  std::unique_ptr<JobStore>* store = pg_store ? &pg_store : &stores.jobs;
  // Every call timed: edgepix_job_store_seconds{store,op} (jobs/timed_job_store.h).
  const std::string store_label = pg_store ? "postgresql" : "sqlite";
  *store = NewTimedJobStore(std::move(*store), store_label);
  auto grant_key = LoadOrCreateSecret(data_dir + "/grant.key");
  if (!grant_key.ok()) return Fail(grant_key.status());
  const http::GrantTokens grant_tokens(*grant_key);
  // Several nodes share the blob store: a node starting must not sweep temp
  // files and "orphan" originals of uploads in flight on the others, so it
  // requeues its own interrupted jobs only (other nodes' come back by lease
  // expiry) and removes what is older than --blobs-grace-seconds
  // (jobs/startup_recovery.h). A lone node on its own directory removes every
  // orphan; in a bucket it keeps the grace too.
  Result<RecoveryReport> recovered = RecoveryReport{};
  if (pg_store) {
    recovered = RecoverSharedAtStart(store->get(), blobs->get(), static_cast<int>(*max_attempts),
                                     *blobs_grace, /*sweep_temps=*/blobs_config->has_value());
  } else {
    recovered = RecoverAtStart(store->get(), blobs->get(), static_cast<int>(*max_attempts),
                               *blobs_config ? *blobs_grace : 0);
  }
  // A full disk must not keep the server down: it serves (reads, deletes)
  // with its workers held until the requeue lands (jobs/startup_recovery.h).
  const bool requeue_pending = !recovered.ok() && recovered.status().code() == ErrorCode::kDiskFull;
  if (!recovered.ok() && !requeue_pending) return Fail(recovered.status());
  if (requeue_pending) {
    log::Error("recovery: cannot requeue interrupted jobs yet (" + recovered.status().ToString() +
               "); serving with the workers held, retrying every 5 s");
  } else {
    LogRecovery(*recovered);
  }

  IntakeOptions intake_options;
  intake_options.max_upload_bytes = static_cast<uint64_t>(*max_upload_mb) << 20;
  intake_options.max_queue = *max_queue;
  intake_options.min_free_bytes = static_cast<uint64_t>(*min_free_mb) << 20;
  intake_options.limits = image->pipeline.limits;
  Intake intake(store->get(), blobs->get(), intake_options);
  ProcessorOptions processor_options;
  processor_options.variants = image->variants;
  processor_options.pipeline = image->pipeline;
  processor_options.max_attempts = static_cast<int>(*max_attempts);
  JobProcessor processor(store->get(), blobs->get(), &notifier, processor_options);
  WorkerPool pool(store->get(), &processor, static_cast<int>(*workers), 10, requeue_pending);
  std::unique_ptr<DeferredRequeue> deferred_requeue;
  if (requeue_pending) {
    deferred_requeue = std::make_unique<DeferredRequeue>(
        store->get(), blobs->get(), static_cast<int>(*max_attempts), std::chrono::seconds(5),
        [&pool](const RecoveryReport& report) {
          LogRecovery(report);
          pool.Release();
        });
  }
  std::unique_ptr<RetentionSweeper> retention;
  if (retain) {
    retention = std::make_unique<RetentionSweeper>(store->get(), blobs->get(), &notifier, *retain);
  }
  BatchCloser batch_closer(stores.batches.get(), stores.grants.get(), *batch_ttl);

  auto branding = BrandingFrom(*parsed);
  if (!branding.ok()) return Fail(branding.status());
  HttpContext context;
  context.store = store->get();
  context.blobs = blobs->get();
  context.notifier = &notifier;
  context.intake = &intake;
  context.workers = &pool;
  context.batches = stores.batches.get();
  context.grants = stores.grants.get();
  context.grant_tokens = &grant_tokens;
  context.webhooks = &webhook_dispatcher;
  context.check_callback_url = [config = *webhook_config](const std::string& url) {
    return webhooks::CheckCallbackUrl(config, url);
  };
  context.branding = *branding;
  context.moderate = parsed->Get("moderate") == "true";
  http::ServerOptions server_options;
  server_options.host = listen->first;
  server_options.port = listen->second;
  server_options.http_threads = static_cast<int>(*http_threads);
  server_options.http_backlog = static_cast<int>(*http_backlog);
  server_options.read_timeout_seconds = static_cast<int>(*read_timeout);
  server_options.max_request_bytes = intake_options.max_upload_bytes * 8 + (1 << 20);
  server_options.log_requests = parsed->Get("quiet") != "true";
  log::SetEnabled(server_options.log_requests);
  if (Status st = ApplySecurityOptions(*parsed, &server_options); !st.ok()) return Fail(st);
  auto event_access = ApplyEventAccess(parsed->Get("open") == "true", listen->first, data_dir,
                                       &server_options.access);
  if (!event_access.ok()) return Fail(event_access.status());
  // The join page lists the same addresses as the banner, known once bound.
  auto bound_port = std::make_shared<std::atomic<int>>(0);
  const std::string scheme = server_options.tls_cert.empty() ? "http" : "https";
  context.client_urls = [bound_port, scheme, host = listen->first] {
    return ClientUrls(scheme, host, bound_port->load());
  };
  http::HttpServer server(context, server_options);
  auto port = server.Bind();
  if (!port.ok()) return Fail(port.status());
  bound_port->store(*port);

  // The S3-compatible listener (--s3-listen): its own socket and threads; plain
  // objects in their own blob store (never swept as orphan originals), images
  // through the same Intake as uploads, multipart parts staged in a third.
  std::unique_ptr<BlobStore> s3_objects;
  std::unique_ptr<s3::ObjectIndex> s3_index;
  std::unique_ptr<BlobStore> s3_parts;
  std::unique_ptr<s3::MultipartIndex> s3_uploads;
  std::unique_ptr<s3::PrefixBatches> s3_prefix_batches;
  std::unique_ptr<s3::S3Server> s3_server;
  if (*s3_options) {
    // Plain objects and staged parts beside the images: in the shared bucket
    // (PREFIX/s3-objects/, PREFIX/s3-multipart/) with --blobs-url, else in
    // --data. Their rows in the job database: the shared PostgreSQL with
    // --jobs-url, so every node serves one namespace, else the SQLite file.
    auto open_store = [&](const std::string& name) -> Result<std::unique_ptr<BlobStore>> {
      if (!*blobs_config) return OpenLocalBlobStore(env, data_dir + "/" + name);
      S3BlobConfig config = **blobs_config;
      config.prefix = config.prefix.empty() ? name : config.prefix + "/" + name;
      return OpenS3BlobStore(config);
    };
    auto objects = open_store("s3-objects");
    if (!objects.ok()) return Fail(objects.status());
    s3_objects = std::move(*objects);
    if (*pg_options) {
      auto index = s3::OpenPgObjectIndex(
          (*pg_options)->url, 4,
          PgS3NotifyHooks((*s3_options)->notify, (*s3_options)->region, &webhook_dispatcher));
      if (!index.ok()) return Fail(index.status());
      s3_index = std::move(*index);
    } else {
      auto index = s3::SqliteObjectIndex::Open(data_dir + "/jobs.db");
      if (!index.ok()) return Fail(index.status());
      InstallS3Notify(index->get(), (*s3_options)->notify, (*s3_options)->region,
                      &webhook_dispatcher);
      s3_index = std::move(*index);
    }
    s3::S3Backends backends{s3_index.get(), s3_objects.get(), blobs->get(), store->get(),
                            &notifier,      &intake,          &pool};
    auto parts = open_store("s3-multipart");
    if (!parts.ok()) return Fail(parts.status());
    s3_parts = std::move(*parts);
    if (*pg_options) {
      auto uploads = s3::OpenPgMultipartIndex((*pg_options)->url, (*pg_options)->node_id);
      if (!uploads.ok()) return Fail(uploads.status());
      s3_uploads = std::move(*uploads);
    } else {
      auto uploads = s3::SqliteMultipartIndex::Open(data_dir + "/jobs.db");
      if (!uploads.ok()) return Fail(uploads.status());
      s3_uploads = std::move(*uploads);
    }
    backends.uploads = s3_uploads.get();
    backends.parts = s3_parts.get();
    if (!(*s3_options)->complete_marker.empty()) {
      // Nodes sharing the batches take a PostgreSQL lock on the prefix too.
      s3::PrefixLocker locker;
      if (*pg_options) {
        auto opened_locker = s3::OpenPgPrefixLocker((*pg_options)->url);
        if (!opened_locker.ok()) return Fail(opened_locker.status());
        locker = std::move(*opened_locker);
      }
      s3_prefix_batches =
          std::make_unique<s3::PrefixBatches>(stores.batches.get(), std::move(locker));
      backends.prefix_batches = s3_prefix_batches.get();
    }
    s3::S3Options options = **s3_options;
    options.read_timeout_seconds = static_cast<int>(*read_timeout);
    options.keep_alive_seconds = server_options.keep_alive_seconds;
    options.keep_alive_max_requests = server_options.keep_alive_max_requests;
    options.min_free_bytes = intake_options.min_free_bytes;
    // Other nodes store parts in the same place: keep their young ones.
    if (*pg_options || *blobs_config) options.orphan_part_grace_seconds = *blobs_grace;
    s3_server = std::make_unique<s3::S3Server>(backends, options);
    auto s3_port = s3_server->Bind();
    if (!s3_port.ok()) return Fail(s3_port.status());
    log::Diagnostic("s3_listening",
                    {{"url", "http://" + options.host + ":" + std::to_string(*s3_port)},
                     {"region", options.region}});
  }
  std::thread s3_thread;
  if (s3_server) {
    s3_thread = std::thread([&] {
      Status st = s3_server->Listen();
      if (!st.ok()) log::Error(st.message());
    });
  }

  std::error_code ec;
  auto abs_data = std::filesystem::absolute(data_dir, ec).lexically_normal().string();
  BannerLinks links;
  links.urls = ClientUrls(server.tls() ? "https" : "http", listen->first, *port);
  links.first_host = FirstHost(links.urls.front());
  links.guest_code = server_options.access.guest_code;
  if (event_access->generated_token) {
    links.owner_token = server_options.access.token;
    links.wall_key = http::Access(server_options.access).WallKey();
  }
  PrintBanner(links, abs_data, pool.size());

  std::thread signal_thread([&] {
    int sig = (*signals)->Wait();
    if (sig != 0) {
      log::Diagnostic("shutdown", {{"message", "signal " + std::to_string(sig) + ", shutting down"},
                                   {"signal", static_cast<int64_t>(sig)}});
    }
    server.Stop();
    if (s3_server) s3_server->Stop();
  });
  Status served = server.Listen();
  // Wake the shutdown thread if Listen ended on its own.
  (*signals)->Wake();
  signal_thread.join();
  if (s3_server) s3_server->Stop();
  if (s3_thread.joinable()) s3_thread.join();
  if (deferred_requeue) deferred_requeue->Stop();
  if (retention) retention->Stop();
  batch_closer.Stop();
  pool.Stop();
  webhook_dispatcher.Stop();
  if (!served.ok()) return Fail(served);
  return 0;
}

}  // namespace edgepix::cli
