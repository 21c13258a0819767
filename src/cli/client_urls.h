// ClientUrls: the URLs a client can use to reach a server listening on
// host:port, for the start banner. A wildcard listen address (0.0.0.0, or ::
// which on Linux also accepts IPv4) is not an address anyone can connect to:
// it stands for every interface, so the list names each up, non-loopback
// interface address (from getifaddrs; IPv6 link-local ones are left out as
// they need a zone) and then loopback. Any other host is returned as given.
// Thread-safe (reads the interface list on each call).
#pragma once

#include <string>
#include <vector>

namespace edgepix::cli {

// "http://192.168.1.20:8080/", ..., "http://127.0.0.1:8080/" (IPv6 in brackets).
std::vector<std::string> ClientUrls(const std::string& scheme, const std::string& host, int port);

}  // namespace edgepix::cli
