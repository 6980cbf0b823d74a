// loadgen.cc: one Asio thread; a scheduler coroutine computes each arrival and spawns a
// request coroutine for it; connections are kept alive and reused.
#include "local/loadgen.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "local/router.h"

namespace tide::local {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::redirect_error;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

struct Conn {
  explicit Conn(asio::any_io_executor ex) : stream(std::move(ex)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

class Generator {
 public:
  Generator(const LoadOptions& o, HttpTarget t, tcp::endpoint ep)
      : opt_(o), target_(std::move(t)), endpoint_(ep) {}

  awaitable<void> Request(Clock::time_point scheduled) {
    auto ex = co_await asio::this_coro::executor;
    ++inflight_;
    const auto deadline = scheduled + Seconds(opt_.timeout);
    int status = 0;
    // A kept-alive connection the server closed meanwhile (its idle timeout) fails before any
    // answer: the GET is sent once more on a fresh connection, as HTTP clients do (RFC 9112
    // 9.3.1). Any other failure is the request's error.
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Conn> c;
      bool reused = false;
      while (!c) {
        if (attempt == 0 && !idle_.empty()) {
          c = std::move(idle_.back());
          idle_.pop_back();
          reused = true;
        } else if (open_ < opt_.max_connections) {
          c = std::make_unique<Conn>(ex);
          ++open_;
          boost::system::error_code ec;
          c->stream.expires_at(deadline);
          co_await c->stream.async_connect(endpoint_, redirect_error(use_awaitable, ec));
          if (!ec) c->stream.socket().set_option(tcp::no_delay(true), ec);
          if (!ec) ++report_.connections;
          if (ec) {
            Note("connect: " + ec.message());
            --open_;
            c.reset();
            break;
          }
        } else if (Clock::now() >= deadline) {
          Note("no free connection before the timeout");
          break;
        } else {
          asio::steady_timer wait(ex, std::chrono::milliseconds(1));
          boost::system::error_code ec;
          co_await wait.async_wait(redirect_error(use_awaitable, ec));
        }
      }
      if (!c) break;
      http::request<http::empty_body> req{http::verb::get, target_.path, 11};
      req.set(http::field::host, target_.host);
      req.set(http::field::user_agent, "tide-load");
      req.keep_alive(true);
      boost::system::error_code ec;
      c->stream.expires_at(deadline);
      co_await http::async_write(c->stream, req, redirect_error(use_awaitable, ec));
      http::response_parser<http::string_body> parser;
      if (!ec)
        co_await http::async_read(c->stream, c->buffer, parser, redirect_error(use_awaitable, ec));
      if (!ec) {
        status = parser.get().result_int();
        if (parser.get().keep_alive()) {
          c->stream.expires_never();
          idle_.push_back(std::move(c));
        }
      }
      if (c) --open_;  // not returned: closed
      if (!ec) break;
      if (reused && !parser.got_some() && ec != beast::error::timeout) continue;
      Note(ec.message());
      break;
    }
    const double latency = std::chrono::duration<double>(Clock::now() - scheduled).count();
    ++report_.statuses[status];
    if (status >= 200 && status < 300) {
      ++report_.ok;
      latencies_.push_back(latency);
    } else {
      ++report_.errors;
      if (status != 0) latencies_.push_back(latency);
    }
    --inflight_;
  }

  // Walks the trace: each arrival is `gap` units of (rate x trace seconds) after the last,
  // gap ~ Exp(1) (Poisson) or 1 (evenly spaced).
  awaitable<void> Schedule(const sim::Trace& trace) {
    auto ex = co_await asio::this_coro::executor;
    std::mt19937_64 rng(opt_.seed);
    std::exponential_distribution<double> exp1(1.0);
    const double from = opt_.from < 0 ? trace.start() : opt_.from;
    const double until =
        opt_.duration < 0 ? trace.end() : std::min(trace.end(), from + opt_.duration);
    size_t row = 0;
    while (row + 1 < trace.size() && trace.t[row + 1] <= from) ++row;
    double tau = from;
    start_ = Clock::now();
    asio::steady_timer timer(ex);
    schedule_timer_ = &timer;
    double next_progress = opt_.progress_every;
    long long last_sent = 0, last_ok = 0, last_errors = 0;
    for (;;) {
      double need = opt_.poisson ? exp1(rng) : 1.0;
      bool done = false;
      for (;;) {
        const double row_end = row + 1 < trace.size() ? trace.t[row + 1] : trace.end();
        const double end = std::min(row_end, until);
        const double rate = trace.value[row] * opt_.scale;
        if (rate > 0 && need <= rate * (end - tau)) {
          tau += need / rate;
          break;
        }
        need -= rate * std::max(0.0, end - tau);
        tau = end;
        if (tau >= until || row + 1 >= trace.size()) {
          done = true;
          break;
        }
        ++row;
      }
      const double real = (tau - from) / opt_.speedup;
      // Progress lines on the way (each covers the seconds since the previous one).
      while (opt_.progress && opt_.progress_every > 0 && next_progress <= real) {
        timer.expires_at(start_ + Seconds(next_progress));
        boost::system::error_code ec;
        co_await timer.async_wait(redirect_error(use_awaitable, ec));
        opt_.progress(fmt::format(
            "tide load: {:6.0f}s  trace t={:.0f}s  {:.1f} req/s  ok {}  errors {}  in flight {}",
            next_progress, from + next_progress * opt_.speedup,
            (report_.sent - last_sent) / opt_.progress_every, report_.ok - last_ok,
            report_.errors - last_errors, inflight_));  // ok and errors: in this interval
        last_sent = report_.sent;
        last_ok = report_.ok;
        last_errors = report_.errors;
        next_progress += opt_.progress_every;
      }
      if (done) break;
      const auto at = start_ + Seconds(real);
      if (at > Clock::now() && stop_signal_ == 0) {
        timer.expires_at(at);
        boost::system::error_code ec;
        co_await timer.async_wait(redirect_error(use_awaitable, ec));
      }
      if (stop_signal_ != 0) break;
      ++report_.sent;
      asio::co_spawn(ex, Request(at), asio::detached);
    }
    // Wait for the answers still due.
    while (inflight_ > 0 && !abandon_) {
      timer.expires_after(std::chrono::milliseconds(5));
      boost::system::error_code ec;
      co_await timer.async_wait(redirect_error(use_awaitable, ec));
    }
    report_.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    report_.interrupted_by = stop_signal_;
    report_.unanswered = inflight_;
    schedule_timer_ = nullptr;
    idle_.clear();
    if (on_finished_) on_finished_();
  }

  // The first SIGINT/SIGTERM ends the replay (answers in flight are still awaited); a second
  // one stops waiting for them.
  void Interrupt(int signal) {
    if (stop_signal_ != 0) abandon_ = true;
    stop_signal_ = signal;
    if (schedule_timer_) schedule_timer_->cancel();
  }
  void set_on_finished(std::function<void()> f) { on_finished_ = std::move(f); }
  bool stopped() const { return stop_signal_ != 0; }

  void Note(const std::string& what) {
    if (report_.first_errors.size() < 5) report_.first_errors.push_back(what);
  }

  LoadReport Finish() {
    std::sort(latencies_.begin(), latencies_.end());
    auto q = [&](double p) {
      if (latencies_.empty()) return std::numeric_limits<double>::quiet_NaN();  // none answered
      const size_t i = static_cast<size_t>(std::ceil(p * latencies_.size())) - 1;
      return latencies_[std::min(i, latencies_.size() - 1)];
    };
    report_.p50 = q(0.5);
    report_.p90 = q(0.9);
    report_.p99 = q(0.99);
    report_.max = latencies_.empty() ? std::numeric_limits<double>::quiet_NaN() : latencies_.back();
    double sum = 0;
    for (double l : latencies_) sum += l;
    report_.mean =
        latencies_.empty() ? std::numeric_limits<double>::quiet_NaN() : sum / latencies_.size();
    return report_;
  }

 private:
  LoadOptions opt_;
  HttpTarget target_;
  tcp::endpoint endpoint_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int open_ = 0;
  int inflight_ = 0;
  int stop_signal_ = 0;   // SIGINT/SIGTERM received: no further arrival is sent
  bool abandon_ = false;  // a second one: stop waiting for the answers in flight
  asio::steady_timer* schedule_timer_ = nullptr;
  std::function<void()> on_finished_;
  Clock::time_point start_;
  std::vector<double> latencies_;
  LoadReport report_;
};

}  // namespace

Result<HttpTarget> ParseHttpTarget(const std::string& url) {
  const std::string scheme = "http://";
  auto bad = [&](const char* why) {
    return Status::InvalidInput(fmt::format(
        "--target '{}': {}; allowed: http://HOST:PORT[/PATH] (e.g. http://127.0.0.1:8081/)", url,
        why));
  };
  if (url.rfind(scheme, 0) != 0) return bad("not an http:// URL");
  std::string rest = url.substr(scheme.size());
  HttpTarget t;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    t.path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']') == std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return bad("the port must be a number in [1, 65535]");
    t.port = std::stoi(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad("no host");
  t.host = rest;
  return t;
}

Result<LoadReport> ReplayLoad(const sim::Trace& trace, const LoadOptions& options) {
  if (!(options.speedup > 0) || !std::isfinite(options.speedup))
    return Status::InvalidInput(
        fmt::format("--speedup {}: allowed: a finite number > 0", options.speedup));
  if (!(options.scale > 0) || !std::isfinite(options.scale))
    return Status::InvalidInput(
        fmt::format("--scale {}: allowed: a finite number > 0", options.scale));
  if (!(options.progress_every >= 0))
    return Status::InvalidInput(fmt::format(
        "--progress {}: allowed: seconds >= 0 (0 = no progress lines)", options.progress_every));
  // Arrivals are spawned as they fall due and wait for a connection in memory: a rate no
  // single machine can send (a trace row of 1e12) grew the process by 300 MB a second.
  for (size_t i = 0; i < trace.size(); ++i) {
    const double rate = trace.value[i] * options.scale * options.speedup;
    if (rate > kMaxLoadRate) {
      return Status::InvalidInput(fmt::format(
          "{}:{}: value {} x --scale {} x --speedup {} = {:.3g} requests/s; allowed: at most "
          "{:.0f} "
          "requests/s (lower --scale or --speedup)",
          trace.path, i + 2, trace.value[i], options.scale, options.speedup, rate, kMaxLoadRate));
    }
  }
  if (options.max_connections < 1)
    return Status::InvalidInput(
        fmt::format("--connections {}: allowed: an integer >= 1", options.max_connections));
  if (!(options.timeout > 0))
    return Status::InvalidInput(fmt::format("--timeout {}: allowed: seconds > 0", options.timeout));
  if (trace.size() == 0) return Status::InvalidInput(trace.path + ": the trace has no rows");
  if (options.from >= 0 && (options.from < trace.start() || options.from >= trace.end()))
    return Status::InvalidInput(fmt::format("--from {}: allowed: a trace time in [{}, {})",
                                            options.from, trace.start(), trace.end()));
  auto target = ParseHttpTarget(options.target);
  if (!target.ok()) return target.status();
  asio::io_context ioc(1);
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto results = resolver.resolve(target->host, std::to_string(target->port), ec);
  if (ec || results.empty())
    return Status::Runtime(fmt::format("--target {}: cannot resolve {}: {}", options.target,
                                       target->host, ec.message()));
  Generator g(options, *target, results.begin()->endpoint());
  // Ctrl-C ends the replay with a report of what was sent, marked partial (it ended the
  // process and lost every result).
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        g.Interrupt(signal);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  g.set_on_finished([&] {
    signals.cancel();
    if (g.stopped()) ioc.stop();  // requests abandoned by a second signal are not awaited
  });
  asio::co_spawn(ioc, g.Schedule(trace), asio::detached);
  ioc.run();
  return g.Finish();
}

namespace {

// A latency in ms for the text report ("n/a" when nothing was answered), and in seconds for JSON.
std::string Ms(double seconds) {
  return std::isnan(seconds) ? "n/a" : fmt::format("{:.2f}", seconds * 1e3);
}
std::string JsonSeconds(double seconds) {
  return std::isnan(seconds) ? "null" : fmt::format("{}", seconds);
}

}  // namespace

std::string FormatLoadReport(const LoadReport& r) {
  std::string statuses;
  for (const auto& [code, n] : r.statuses)
    statuses += fmt::format("{}{}: {}", statuses.empty() ? "" : ", ",
                            code == 0 ? std::string("no answer") : std::to_string(code), n);
  const std::string partial =
      r.interrupted_by == 0
          ? ""
          : fmt::format(
                "INTERRUPTED by {} after {:.1f} s: a partial report of the requests sent until "
                "then{}\n",
                r.interrupted_by == SIGINT ? "SIGINT" : "SIGTERM", r.wall_seconds,
                r.unanswered > 0 ? fmt::format(" ({} still unanswered, not counted)", r.unanswered)
                                 : "");
  return partial +
         fmt::format(
             "sent {}  ok {}  errors {}  ({})\n"
             "latency from scheduled arrival, ms (answered requests): p50 {}  p90 {}  p99 {}  max "
             "{}  "
             "mean {}\n"
             "{:.1f} req/s over {:.1f} s; {} connection(s) opened\n",
             r.sent, r.ok, r.errors, statuses, Ms(r.p50), Ms(r.p90), Ms(r.p99), Ms(r.max),
             Ms(r.mean), r.wall_seconds > 0 ? r.sent / r.wall_seconds : 0.0, r.wall_seconds,
             r.connections) +
         (r.first_errors.empty() ? ""
                                 : "first transport errors: " +
                                       fmt::format("{}", fmt::join(r.first_errors, "; ")) + "\n");
}

std::string LoadReportJson(const LoadReport& r) {
  std::string statuses;
  for (const auto& [code, n] : r.statuses)
    statuses += fmt::format("{}\"{}\": {}", statuses.empty() ? "" : ", ", code, n);
  return fmt::format(
      "{{\"sent\": {}, \"ok\": {}, \"errors\": {}, \"statuses\": {{{}}}, \"wall_seconds\": {}, "
      "\"p50\": {}, \"p90\": {}, \"p99\": {}, \"max\": {}, \"mean\": {}, \"connections\": {}, "
      "\"interrupted\": {}, \"unanswered\": {}}}\n",
      r.sent, r.ok, r.errors, statuses, r.wall_seconds, JsonSeconds(r.p50), JsonSeconds(r.p90),
      JsonSeconds(r.p99), JsonSeconds(r.max), JsonSeconds(r.mean), r.connections,
      r.interrupted_by != 0 ? "true" : "false", r.unanswered);
}

}  // namespace tide::local
