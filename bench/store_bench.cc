// store_bench: metric samples written per second by Store::AppendSamples in batches of 1,000
// into a fresh database on /tmp, next to a SQLite peer that does the same inserts with no tide
// code: the same table, indexes and pragmas, one prepared INSERT stepped 1,000 times inside one
// BEGIN/COMMIT. A second peer without the indexes shows what the indexes cost. At the end the
// program prints tide's rate as a fraction of the peer's (medians of 5 repetitions, wall time).
// cpu_items_per_second is the same rate over this process's CPU time: on a shared machine the
// wall-clock rate falls with the load average while the CPU rate mostly does not.
// Figures and how to rerun them: bench/README.md.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using tide::store::MetricSample;

constexpr int kBatch = 1000;

// A fresh directory on /tmp for one benchmark run, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/tide_store_bench_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const char* name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// 20 groups × 5 metrics × 10 timestamps; each iteration moves the timestamps on by 100 s.
std::vector<MetricSample> FirstBatch() {
  std::vector<MetricSample> batch;
  for (int t = 0; t < 10; ++t) {
    for (int g = 0; g < 20; ++g) {
      for (const char* metric : {"cpu", "rps", "latency_p99", "backlog", "memory"}) {
        batch.push_back({"group-" + std::to_string(g), metric, 1.7e9 + 10.0 * t, 0.5 + t});
      }
    }
  }
  return batch;
}

void Advance(std::vector<MetricSample>& batch) {
  for (MetricSample& m : batch) m.at += 100;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Sets items_per_second (wall time, as UseRealTime) and cpu_items_per_second.
void SetRates(benchmark::State& state, double cpu_start) {
  const double items = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<int64_t>(items));
  const double cpu = ProcessCpuSeconds() - cpu_start;
  if (cpu > 0) state.counters["cpu_items_per_second"] = items / cpu;
}

void BM_TideAppendSamples(benchmark::State& state) {
  TempDir dir;
  auto store = tide::store::Store::Open(dir.File("tide.db"));
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    return;
  }
  std::vector<MetricSample> batch = FirstBatch();
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    Advance(batch);
    tide::Status s = (*store)->AppendSamples(batch);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      break;
    }
  }
  SetRates(state, cpu_start);
}

// The peer: plain SQLite C API. `indexed` = the store's two sample indexes (schema v2).
void SqlitePeer(benchmark::State& state, bool indexed) {
  TempDir dir;
  sqlite3* db = nullptr;
  sqlite3_open(dir.File("peer.db").c_str(), &db);
  std::string ddl = R"(
    PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=4000;
    CREATE TABLE samples ("group" TEXT NOT NULL, metric TEXT NOT NULL, at REAL NOT NULL,
                          value REAL,
                          resolution INTEGER NOT NULL CHECK (resolution IN (0, 60, 3600)));)";
  if (indexed) {
    ddl += R"(CREATE INDEX samples_by_series ON samples ("group", metric, at);
              CREATE INDEX samples_by_age ON samples (resolution, at);)";
  }
  if (sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    state.SkipWithError(sqlite3_errmsg(db));
    sqlite3_close(db);
    return;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     R"(INSERT INTO samples ("group", metric, at, value, resolution)
                        VALUES (?, ?, ?, ?, 0))",
                     -1, &insert, nullptr);
  std::vector<MetricSample> batch = FirstBatch();
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    Advance(batch);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const MetricSample& m : batch) {
      sqlite3_bind_text(insert, 1, m.group.data(), static_cast<int>(m.group.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, m.metric.data(), static_cast<int>(m.metric.size()),
                        SQLITE_STATIC);
      sqlite3_bind_double(insert, 3, m.at);
      sqlite3_bind_double(insert, 4, m.value);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      state.SkipWithError(sqlite3_errmsg(db));
      break;
    }
  }
  SetRates(state, cpu_start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
}

void BM_SqlitePeerSameSchema(benchmark::State& state) { SqlitePeer(state, true); }
void BM_SqlitePeerNoIndexes(benchmark::State& state) { SqlitePeer(state, false); }

BENCHMARK(BM_TideAppendSamples)->UseRealTime()->Repetitions(5)->DisplayAggregatesOnly(true);
BENCHMARK(BM_SqlitePeerSameSchema)->UseRealTime()->Repetitions(5)->DisplayAggregatesOnly(true);
BENCHMARK(BM_SqlitePeerNoIndexes)->UseRealTime()->Repetitions(5)->DisplayAggregatesOnly(true);

// The console output, plus each benchmark's median items_per_second for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (r.aggregate_name == "median" && it != r.counters.end()) {
        median_rate[r.run_name.function_name] = it->second.value;
      }
      auto cpu = r.counters.find("cpu_items_per_second");
      if (r.aggregate_name == "median" && cpu != r.counters.end()) {
        median_cpu_rate[r.run_name.function_name] = cpu->second.value;
      }
    }
  }
  std::map<std::string, double> median_rate, median_cpu_rate;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto print = [](const std::map<std::string, double>& m, const char* clock) {
    auto tide = m.find("BM_TideAppendSamples");
    auto peer = m.find("BM_SqlitePeerSameSchema");
    if (tide == m.end() || peer == m.end() || peer->second <= 0) return;
    std::printf(
        "%s: tide AppendSamples %.0f samples/s, SQLite peer (same schema) %.0f samples/s, "
        "tide / peer = %.3f\n",
        clock, tide->second, peer->second, tide->second / peer->second);
  };
  std::printf("\n");
  print(reporter.median_rate, "wall time");
  print(reporter.median_cpu_rate, "CPU time ");
  benchmark::Shutdown();
  return 0;
}
