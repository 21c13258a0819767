#include "integration/security_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>

namespace edgepix::testing {

RawResponse SendRaw(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    throw std::runtime_error("connect failed");
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  close(fd);
  RawResponse out;
  size_t sp = raw.find(' ');
  if (raw.rfind("HTTP/1.", 0) != 0 || sp == std::string::npos) return out;
  out.status = std::atoi(raw.c_str() + sp + 1);
  size_t end = raw.find("\r\n\r\n");
  out.headers = raw.substr(0, end);
  for (char& c : out.headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out.body = end == std::string::npos ? "" : raw.substr(end + 4);
  return out;
}

RawResponse RawGet(int port, const std::string& target, const std::string& extra_headers,
                   const std::string& method) {
  return SendRaw(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                           "Connection: close\r\n\r\n");
}

std::string ErrorCodeOf(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  bool is_error = !j.is_discarded() && j.is_object() && j.contains("error") &&
                  j["error"].contains("code") && j["error"]["code"].is_string() &&
                  j["error"].contains("message");
  CHECK(is_error);
  return is_error ? j["error"]["code"].get<std::string>() : "";
}

std::string TestHmacSha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string TestBase64Url(const std::string& bytes) {
  std::string b64(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  b64.resize(static_cast<size_t>(n));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return b64;
}

std::string TestJwt(const std::string& header_json, const std::string& claims_json,
                    const std::string& secret) {
  std::string input = TestBase64Url(header_json) + "." + TestBase64Url(claims_json);
  return input + "." + TestBase64Url(TestHmacSha256(secret, input));
}

int64_t TestUnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace edgepix::testing
