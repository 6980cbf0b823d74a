// MakeActuator: which configs build which actuator, and the errors for the others.
#include <gtest/gtest.h>

#include "actuators/actuator.h"

namespace tide::actuators {
namespace {

// An HttpClient that must not be called: the factory only stores it.
class UnusedHttp : public platform::HttpClient {
 public:
  Result<platform::HttpResponse> Do(const platform::HttpRequest&) override {
    ADD_FAILURE() << "unexpected request";
    return Status::Runtime("unexpected");
  }
};

config::Actuator Cfg(std::string type) {
  config::Actuator c;
  c.type = std::move(type);
  return c;
}

TEST(MakeActuator, BuildsEachType) {
  UnusedHttp http;
  ActuatorDeps deps{&http};
  auto none = MakeActuator(Cfg("none"), deps);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ((*none)->Describe(), "none");

  auto exec_cfg = Cfg("exec");
  exec_cfg.command = {"/usr/local/bin/scale", "--to", "{desired}"};
  auto exec = MakeActuator(exec_cfg, deps);
  ASSERT_TRUE(exec.ok()) << exec.status().message();
  EXPECT_EQ((*exec)->Describe(), "exec: /usr/local/bin/scale --to {desired}");

  auto hook_cfg = Cfg("webhook");
  hook_cfg.url = "http://127.0.0.1:9/scale";
  auto hook = MakeActuator(hook_cfg, deps);
  ASSERT_TRUE(hook.ok()) << hook.status().message();
  EXPECT_EQ((*hook)->Describe(), "webhook: POST http://127.0.0.1:9/scale");
}

TEST(MakeActuator, NoneAppliesNothingAndSucceeds) {
  auto a = MakeActuator(Cfg("none"), {});
  ASSERT_TRUE(a.ok());
  const ActionResult r = (*a)->Apply({"web", 5, 3, "ScaleUp", "cpu above target"});
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 1);
}

TEST(MakeActuator, Errors) {
  struct Case {
    const char* name;
    config::Actuator cfg;
    bool with_http;
    const char* want;
  };
  auto exec_no_command = Cfg("exec");
  auto hook_no_url = Cfg("webhook");
  auto hook_ok = Cfg("webhook");
  hook_ok.url = "http://x/";
  auto zero_timeout = Cfg("none");
  zero_timeout.timeout = 0;
  auto negative_retries = Cfg("none");
  negative_retries.retries = -1;
  const Case cases[] = {
      {"unknown type", Cfg("ssh"), true, "actuator.type = 'ssh', allowed: none, exec, webhook"},
      {"exec without command", exec_no_command, true, "actuator.command is empty"},
      {"webhook without url", hook_no_url, true, "actuator.url is empty"},
      {"webhook without client", hook_ok, false, "no HTTP client"},
      {"zero timeout", zero_timeout, true, "actuator.timeout = 0, must be > 0 seconds"},
      {"negative retries", negative_retries, true, "actuator.retries = -1, must be >= 0"},
  };
  UnusedHttp http;
  for (const Case& c : cases) {
    ActuatorDeps deps;
    if (c.with_http) deps.http = &http;
    auto r = MakeActuator(c.cfg, deps);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos)
        << c.name << ": " << r.status().message();
  }
}

TEST(OutcomeName, StableNames) {
  EXPECT_STREQ(OutcomeName(Outcome::kApplied), "applied");
  EXPECT_STREQ(OutcomeName(Outcome::kFailed), "failed");
  EXPECT_STREQ(OutcomeName(Outcome::kTimedOut), "timed_out");
}

}  // namespace
}  // namespace tide::actuators
