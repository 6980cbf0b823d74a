// listen_address.h: parsing of `api.listen` ("127.0.0.1:8080", "[::1]:8080", "localhost:0")
// and the loopback test that decides whether the API may run without a token. Pure.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tide::api {

struct ListenAddress {
  std::string host;  // without brackets: "127.0.0.1", "::1", "localhost", "0.0.0.0"
  int port = 0;      // 0..65535; 0 = any free port
  bool loopback = false;
};

// InvalidInput naming the text and the allowed forms for anything but host:port with a
// non-empty host, a bracketed IPv6 host and a decimal port in [0, 65535].
Result<ListenAddress> ParseListenAddress(std::string_view text);

// True for "localhost" (any case), 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. Other host names
// are not resolved and count as non-loopback.
bool IsLoopbackHost(std::string_view host);

}  // namespace tide::api
