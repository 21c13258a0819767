#include "cli/client_urls.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>

namespace edgepix::cli {
namespace {

// Addresses of interfaces that are up and not loopback; IPv6 ones only with `ipv6`.
std::vector<std::string> InterfaceAddresses(bool ipv6) {
  std::vector<std::string> v4, v6;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || !(a->ifa_flags & IFF_UP) || (a->ifa_flags & IFF_LOOPBACK)) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text))) v4.push_back(text);
    } else if (ipv6 && a->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;
      if (inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text))) v6.push_back(text);
    }
  }
  freeifaddrs(list);
  v4.insert(v4.end(), v6.begin(), v6.end());
  // An address on two interfaces (or listed twice) is shown once.
  std::vector<std::string> unique;
  for (auto& a : v4) {
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
  }
  return unique;
}

std::string Url(const std::string& scheme, const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
}

}  // namespace

std::vector<std::string> ClientUrls(const std::string& scheme, const std::string& host, int port) {
  const bool any_v4 = host == "0.0.0.0" || host.empty() || host == "*";
  const bool any_v6 = host == "::";
  if (!any_v4 && !any_v6) return {Url(scheme, host, port)};
  std::vector<std::string> urls;
  for (const auto& a : InterfaceAddresses(any_v6)) urls.push_back(Url(scheme, a, port));
  urls.push_back(Url(scheme, "127.0.0.1", port));
  if (any_v6) urls.push_back(Url(scheme, "::1", port));
  return urls;
}

}  // namespace edgepix::cli
