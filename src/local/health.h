// health.h: does a replica serve yet? One check of a config::HealthCheck against the replica
// listening on 127.0.0.1:PORT. Blocking, bounded by the check's timeout.
#pragma once

#include <string>

#include "config/config.h"
#include "platform/http_client.h"

namespace tide::local {

// http: GET http://127.0.0.1:PORT<path> answers 2xx;  tcp: a connection to PORT is accepted;
// command: the argv ("{port}" expanded) exits 0.  `http` is used by http checks only.
// Returns "" when healthy, else why not (for logs and events).
std::string CheckHealth(const config::HealthCheck& check, int port, platform::HttpClient* http);

// True when something accepts TCP connections on 127.0.0.1:`port` within `timeout` seconds.
bool TcpAccepts(int port, double timeout);

}  // namespace tide::local
