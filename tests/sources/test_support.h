// test_support.h: helpers for the sources tests — fixture files and a fake HttpClient that
// holds canned responses (data only; it never interprets a request).
#pragma once

#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "platform/http_client.h"

namespace tide::sources::testing {

inline std::string FixtureDir() { return std::string(TIDE_SOURCE_DIR) + "/tests/sources/fixtures"; }

// The bytes of tests/sources/fixtures/<rel>; an empty string (and a test failure at the
// caller's check) when it is missing.
inline std::string ReadFixture(const std::string& rel) {
  std::ifstream in(FixtureDir() + "/" + rel, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Answers requests with the queued results in order; when the queue is empty, with
// `fallback`. Records every request.
class FakeHttpClient : public platform::HttpClient {
 public:
  void Push(Result<platform::HttpResponse> r) {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(r));
  }
  void PushOk(std::string body, int status = 200) {
    Push(platform::HttpResponse{status, std::move(body), "application/json"});
  }
  void SetFallback(Result<platform::HttpResponse> r) {
    std::lock_guard<std::mutex> l(mu_);
    fallback_ = std::move(r);
  }
  Result<platform::HttpResponse> Do(const platform::HttpRequest& req) override {
    std::lock_guard<std::mutex> l(mu_);
    requests_.push_back(req);
    if (queue_.empty()) return fallback_;
    auto r = std::move(queue_.front());
    queue_.pop_front();
    return r;
  }
  std::vector<platform::HttpRequest> requests() const {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Result<platform::HttpResponse>> queue_;
  Result<platform::HttpResponse> fallback_ = Status::Runtime("fake http: no response queued");
  std::vector<platform::HttpRequest> requests_;
};

}  // namespace tide::sources::testing
