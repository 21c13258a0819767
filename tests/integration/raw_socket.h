// Raw TCP clients for tests that need what an HTTP client library hides:
// dribbling bytes, stalling half way, watching the server close the connection.
#pragma once

#include <string>

namespace edgepix::testing {

// A blocking TCP connection to 127.0.0.1:port (fails the test if refused).
int Connect(int port);

// Whether the peer closed `fd` (recv returns 0 or an error), waiting up to `ms`.
// Anything the server answers first is read and dropped.
bool ClosedByPeer(int fd, int ms);

// Sends `text` a byte at a time, `gap_ms` apart, until done or the peer closes.
// Returns whether the peer closed the connection first.
bool DribbleUntilClosed(int fd, const std::string& text, int gap_ms);

// Sends all of `data`; false if the connection failed first.
bool SendAll(int fd, const std::string& data);

// Everything the server sends until it closes the connection or `ms` pass.
std::string ReceiveUntilClosed(int fd, int ms);

}  // namespace edgepix::testing
