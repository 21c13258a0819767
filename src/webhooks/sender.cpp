#include "webhooks/sender.h"

#include <curl/curl.h>

namespace edgepix::webhooks {
namespace {

constexpr size_t kKeptAnswerBytes = 200;

size_t KeepSome(char* data, size_t size, size_t n, void* user) {
  auto* kept = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  if (kept->size() < kKeptAnswerBytes) {
    kept->append(data, std::min(bytes, kKeptAnswerBytes - kept->size()));
  }
  return bytes;
}

int AbortWhenStopping(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* stopping = static_cast<const std::atomic<bool>*>(user);
  return stopping != nullptr && stopping->load() ? 1 : 0;
}

}  // namespace

void CurlGlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }

Sender::Sender(std::chrono::seconds timeout, const std::atomic<bool>* stopping)
    : timeout_(timeout), stopping_(stopping), curl_(curl_easy_init()) {}

Sender::~Sender() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

SendResult Sender::Post(const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body) {
  SendResult out;
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    out.error = "libcurl could not make a handle";
    return out;
  }
  curl_easy_reset(curl);  // keeps the connection cache
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers)
    list = curl_slist_append(list, (name + ": " + value).c_str());
  list = curl_slist_append(list, "Expect:");
  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count() * 1000));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "edgepix-webhooks");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepSome);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(stopping_));
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    out.error = error[0] != '\0' ? error : curl_easy_strerror(rc);
    return out;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  out.http_status = static_cast<int>(status);
  curl_off_t retry_after = -1;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    out.retry_after_s = static_cast<int>(std::min<curl_off_t>(retry_after, 86400));
  }
  if (!out.ok()) {
    out.error = "HTTP " + std::to_string(status) + (answer.empty() ? "" : ": " + answer);
  }
  return out;
}

}  // namespace edgepix::webhooks
