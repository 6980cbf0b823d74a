// The libcurl HttpClient: one easy handle per call (thread-safe without shared state), no
// signals, no redirects, bodies capped at 16 MiB.
#include <curl/curl.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "platform/http_client.h"

namespace tide::platform {
namespace {

constexpr size_t kMaxBody = 16 << 20;  // bytes

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Sink {
  std::string body;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->body.size() + len > kMaxBody) {
    sink->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  sink->body.append(data, len);
  return len;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Loopback never goes through a proxy (a local exporter or webhook behind an HTTP_PROXY set
// for the outside world is the common case); other hosts keep the environment's no_proxy.
std::string NoProxyList() {
  const char* env = std::getenv("no_proxy");
  if (env == nullptr || *env == '\0') env = std::getenv("NO_PROXY");
  const std::string loopback = "localhost,127.0.0.0/8,::1";
  if (env == nullptr || *env == '\0') return loopback;
  if (std::string(env) == "*") return "*";
  return std::string(env) + "," + loopback;
}

class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient() : no_proxy_(NoProxyList()) { GlobalInit(); }

  Result<HttpResponse> Do(const HttpRequest& req) override {
    const auto fail = [&](const std::string& why) {
      return Status::Runtime(fmt::format("{} {}: {}", req.method, req.url, why));
    };
    std::unique_ptr<CURL, EasyDeleter> h(curl_easy_init());
    if (!h) return fail("curl_easy_init failed");
    CURL* c = h.get();
    char error[CURL_ERROR_SIZE] = {0};
    Sink sink;

    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOPROXY, no_proxy_.c_str());
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxBody));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (req.timeout > 0) {
      // At least 1 ms: 0 would mean "no timeout" to libcurl.
      const long ms = std::max(1L, std::lround(req.timeout * 1000));
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
    }

    if (req.method == "GET") {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
      if (req.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      if (req.method == "POST" || !req.body.empty()) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
      }
    }

    curl_slist* raw = nullptr;
    for (const auto& [k, v] : req.headers) raw = curl_slist_append(raw, (k + ": " + v).c_str());
    raw = curl_slist_append(raw, "Expect:");  // no 100-continue round trip for larger bodies
    std::unique_ptr<curl_slist, ListDeleter> headers(raw);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return fail(fmt::format("response body larger than {} MiB", kMaxBody >> 20));
    }
    if (rc != CURLE_OK) return fail(error[0] != '\0' ? error : curl_easy_strerror(rc));

    HttpResponse resp;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp.status = static_cast<int>(status);
    char* type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) resp.content_type = type;
    resp.body = std::move(sink.body);
    return resp;
  }

 private:
  const std::string no_proxy_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient() { return std::make_unique<CurlHttpClient>(); }

}  // namespace tide::platform
