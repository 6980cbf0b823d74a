#include "api/listen_address.h"

#include <gtest/gtest.h>

namespace tide::api {
namespace {

struct ListenCase {
  const char* name;
  const char* text;
  const char* host;  // nullptr = refused
  int port;
  bool loopback;
};

class ListenAddressTest : public ::testing::TestWithParam<ListenCase> {};

TEST_P(ListenAddressTest, Parses) {
  const ListenCase& c = GetParam();
  auto addr = ParseListenAddress(c.text);
  if (c.host == nullptr) {
    ASSERT_FALSE(addr.ok()) << c.text;
    EXPECT_EQ(addr.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(addr.status().message().find(c.text), std::string::npos) << addr.status().message();
    EXPECT_NE(addr.status().message().find("allowed: host:port"), std::string::npos);
    return;
  }
  ASSERT_TRUE(addr.ok()) << addr.status().message();
  EXPECT_EQ(addr->host, c.host);
  EXPECT_EQ(addr->port, c.port);
  EXPECT_EQ(addr->loopback, c.loopback);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ListenAddressTest,
    ::testing::Values(ListenCase{"Ipv4Loopback", "127.0.0.1:8080", "127.0.0.1", 8080, true},
                      ListenCase{"Ipv4LoopbackRange", "127.1.2.3:9", "127.1.2.3", 9, true},
                      ListenCase{"AnyPort", "127.0.0.1:0", "127.0.0.1", 0, true},
                      ListenCase{"Localhost", "localhost:8080", "localhost", 8080, true},
                      ListenCase{"LocalhostUpper", "LOCALHOST:1", "LOCALHOST", 1, true},
                      ListenCase{"Ipv6Loopback", "[::1]:8080", "::1", 8080, true},
                      ListenCase{"Ipv6MappedLoopback", "[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1",
                                 80, true},
                      ListenCase{"AllInterfaces", "0.0.0.0:8080", "0.0.0.0", 8080, false},
                      ListenCase{"Ipv6All", "[::]:8080", "::", 8080, false},
                      ListenCase{"PublicIpv4", "10.0.0.5:65535", "10.0.0.5", 65535, false},
                      ListenCase{"HostName", "tide.internal:8080", "tide.internal", 8080, false},
                      ListenCase{"NotLoopback128", "128.0.0.1:80", "128.0.0.1", 80, false},
                      ListenCase{"NoPort", "127.0.0.1", nullptr, 0, false},
                      ListenCase{"EmptyPort", "127.0.0.1:", nullptr, 0, false},
                      ListenCase{"NoHost", ":8080", nullptr, 0, false},
                      ListenCase{"Empty", "", nullptr, 0, false},
                      ListenCase{"PortTooLarge", "127.0.0.1:65536", nullptr, 0, false},
                      ListenCase{"PortHuge", "127.0.0.1:99999999999", nullptr, 0, false},
                      ListenCase{"NegativePort", "127.0.0.1:-1", nullptr, 0, false},
                      ListenCase{"PortWord", "127.0.0.1:http", nullptr, 0, false},
                      ListenCase{"Ipv6NoBrackets", "::1:8080", nullptr, 0, false},
                      ListenCase{"Ipv6Unclosed", "[::1:8080", nullptr, 0, false},
                      ListenCase{"Ipv6NoPort", "[::1]", nullptr, 0, false},
                      ListenCase{"Ipv6NotAnAddress", "[localhost]:80", nullptr, 0, false}),
    [](const ::testing::TestParamInfo<ListenCase>& info) { return info.param.name; });

}  // namespace
}  // namespace tide::api
