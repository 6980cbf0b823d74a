// main.cc: the tide CLI, the composition root. Subcommands live in cmd_*.cc; this file only
// parses arguments and maps Status to the exit codes of the stable contract
// (0 success, 1 runtime failure, 2 bad input).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "forecast_command.h"

int main(int argc, char** argv) {
  CLI::App app{"tide: decides how much capacity each scalable target needs, and when"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tide 0.1.0");

  tide::app::ValidateArgs validate_args;
  auto* validate = app.add_subcommand("validate", "check a config file; exit 0 valid, 2 invalid");
  validate->add_option("file", validate_args.path, "YAML config")->required();

  tide::app::SimulateArgs sim;
  auto* simulate = app.add_subcommand("simulate", "replay a trace through a group's policies");
  simulate->add_option("--config", sim.config, "YAML config")->required();
  simulate->add_option("--trace", sim.trace, "trace CSV (timestamp,value)")->required();
  simulate->add_option("--group", sim.group, "group to simulate (default: the only group)");
  simulate->add_option(
      "--step", sim.step,
      "simulation step (duration >= 1ms, default 1s; at most 100 million steps per replay)");
  simulate->add_option(
      "--from", sim.from,
      "where the figures start, earlier is warm-up: trace seconds (86400) or a duration from the "
      "trace start (1d); the first step at or after it");
  simulate->add_option(
      "--to", sim.to,
      "where the replay ends: trace seconds or a duration from the trace start (default: its end)");
  simulate->add_option("--start-time", sim.start_time,
                       "wall-clock time of trace second 0 (RFC 3339), for schedules; default 1970-01-01T00:00:00Z");
  // Output paths: given explicitly, an empty one is bad input (checked after parsing).
  std::vector<std::pair<CLI::Option*, const std::string*>> outputs;
  outputs.emplace_back(
      simulate->add_option("--timeline", sim.timeline, "write the per-step timeline CSV ('-' = stdout)"),
      &sim.timeline);
  outputs.emplace_back(simulate->add_option("--report", sim.report, "write the HTML report ('-' = stdout)"),
                       &sim.report);
  outputs.emplace_back(
      simulate->add_option("--json", sim.json, "write the summary JSON ('-' = stdout)"), &sim.json);

  tide::app::RecommendArgs rec;
  auto* recommend = app.add_subcommand("recommend", "the cheapest policy that meets an SLO on a trace");
  recommend->add_option("--config", rec.config, "YAML config (its model, bounds and schedules are kept)")->required();
  recommend->add_option("--trace", rec.trace, "trace CSV (timestamp,value)")->required();
  recommend->add_option("--slo", rec.slo, "bounds on summary figures, e.g. tau_under<=1,unserved_fraction<=0.001")->required();
  recommend->add_option("--group", rec.group, "group to tune (default: the only group)");
  recommend->add_option("--train-fraction", rec.train_fraction, "share of the trace to tune on (default 0.5)");
  recommend->add_option("--train-warmup", rec.train_warmup,
                        "start of the training part replayed but not scored (default 1d, at most half of it)");
  recommend->add_option("--family", rec.family, "reactive | predictive | hybrid | all (default all)");
  recommend->add_option("--step", rec.step, "simulation step (duration >= 1ms, default 1s)");
  recommend->add_option("--start-time", rec.start_time, "wall-clock time of trace second 0 (RFC 3339)");
  outputs.emplace_back(
      recommend->add_option("--out", rec.out, "write the chosen group as a ready YAML config"),
      &rec.out);
  outputs.emplace_back(
      recommend->add_option("--json", rec.json, "write the result as JSON ('-' = stdout)"),
      &rec.json);

  tide::app::ForecastArgs fc;
  auto* forecast = app.add_subcommand("forecast", "forecast a trace from a time on, or backtest the models");
  forecast->add_option("--trace", fc.trace, "trace CSV (timestamp,value)")->required();
  auto* fc_at = forecast->add_option(
      "--at", fc.at, "fit on the trace up to T (trace seconds or a duration like 10d)");
  auto* fc_horizon = forecast->add_option("--horizon", fc.horizon, "how far ahead (default 2h)");
  auto* fc_model = forecast->add_option(
      "--model", fc.model, "model name or auto (default auto; with --backtest: only that model)");
  outputs.emplace_back(
      forecast->add_option(
          "--csv", fc.csv,
          "write t,mean,lo80,hi80,lo95,hi95 ('-' = stdout); with --backtest, the table as CSV"),
      &fc.csv);
  outputs.emplace_back(
      forecast->add_option(
          "--json", fc.json,
          "write the forecast as JSON ('-' = stdout); with --backtest, the scores as JSON"),
      &fc.json);
  forecast->add_flag(
      "--backtest", fc.backtest,
      "rolling-origin MASE, sMAPE and coverage per model (not with --at or --horizon)");

  tide::app::RunArgs run_args;
  auto* run = app.add_subcommand("run", "run the live controller (daemon)");
  run->add_option("config", run_args.config, "YAML config")->required();
  run->add_option("--listen", run_args.listen, "API address host:port (default: api.listen, 127.0.0.1:8080)");
  run->add_option("--db", run_args.db, "SQLite store (default ./tide.db)");
  run->add_flag("--dry-run", run_args.dry_run, "decide and record, apply nothing");

  tide::app::ReportArgs rep;
  auto* report = app.add_subcommand("report", "what scaling achieved and cost over a period of a live run");
  report->add_option("--config", rep.config, "YAML config of the run (models, prices, demand metrics)")->required();
  report->add_option("--store", rep.store, "SQLite store written by tide run (default tide.db)");
  report->add_option("--since", rep.since, "period length before --until (duration, default 24h)");
  report->add_option("--until", rep.until, "end of the period (RFC 3339 or epoch seconds; default now)");
  report->add_option("--group", rep.group, "one group (default: every group of the config)");
  outputs.emplace_back(report->add_option("--html", rep.html, "write the report as HTML"),
                       &rep.html);
  outputs.emplace_back(
      report->add_option("--json", rep.json, "write the report as JSON ('-' = stdout)"), &rep.json);
  tide::app::LoadArgs load_args;
  auto* load = app.add_subcommand("load", "replay a trace's request rate against a URL, compressed in time");
  load->add_option("--trace", load_args.trace, "trace CSV (timestamp,value: requests per second)")->required();
  load->add_option("--speedup", load_args.speedup, "time compression K: trace second t is sent at t/K, at K x the rate")->required();
  load->add_option("--target", load_args.target, "http://HOST:PORT[/PATH]")->required();
  load->add_option("--scale", load_args.scale, "multiply the trace's rate (default 1)");
  load->add_option("--from", load_args.from, "start this far into the trace (duration, e.g. 6h)");
  load->add_option("--duration", load_args.duration, "replay this much of the trace (duration, e.g. 1d)");
  load->add_option("--arrivals", load_args.arrivals, "poisson (default) | uniform");
  load->add_option("--seed", load_args.seed, "random seed of Poisson arrivals (default 1)");
  load->add_option("--connections", load_args.connections, "connections open at most (default 512)");
  load->add_option("--timeout", load_args.timeout, "seconds per request (default 30)");
  load->add_option("--progress", load_args.progress, "seconds between progress lines on stderr (0 = none; default 10)");
  outputs.emplace_back(
      load->add_option("--json", load_args.json, "write the report as JSON ('-' = stdout)"),
      &load_args.json);

  tide::app::ClientArgs client;
  if (const char* t = std::getenv("TIDE_API_TOKEN")) client.token = t;
  auto* status = app.add_subcommand("status", "show every group of a running tide");
  status->add_option("--server", client.server, "tide's API (default http://127.0.0.1:8080)");
  status->add_option("--token", client.token, "bearer token (or TIDE_API_TOKEN)");
  std::string explain_group;
  int explain_n = 5;
  auto* explain = app.add_subcommand("explain", "explain a group's last decisions");
  explain->add_option("group", explain_group, "group name")->required();
  explain->add_option("-n,--decisions", explain_n, "how many decisions (default 5)");
  explain->add_option("--server", client.server, "tide's API (default http://127.0.0.1:8080)");
  explain->add_option("--token", client.token, "bearer token (or TIDE_API_TOKEN)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string first = argc > 1 ? argv[1] : "";
    if (!first.empty() && first[0] != '-' && first != "validate" && first != "simulate" &&
        first != "run" && first != "status" && first != "explain" && first != "recommend" &&
        first != "forecast" && first != "report" && first != "load") {
      std::fprintf(stderr, "tide: unknown command '%s'; allowed: validate, simulate, recommend, forecast, run, status, explain, report, load\n", argv[1]);
      return 2;
    }
    std::fprintf(stderr, "tide: %s\nRun 'tide --help' for the usage.\n", e.what());
    return 2;
  }

  // An output path given as '' would silently write nothing.
  for (const auto& [opt, value] : outputs) {
    if (opt->count() > 0 && value->empty()) {
      std::fprintf(stderr, "%s: bad value '': allowed: a file path, or - for standard output\n",
                   opt->get_name().c_str());
      return 2;
    }
  }
  fc.at_given = fc_at->count() > 0;
  fc.horizon_given = fc_horizon->count() > 0;
  fc.model_given = fc_model->count() > 0;

  tide::Status st;
  if (*validate) st = tide::app::RunValidate(validate_args);
  if (*simulate) st = tide::app::RunSimulate(sim);
  if (*run) st = tide::app::RunDaemon(run_args);
  if (*recommend) st = tide::app::RunRecommend(rec);
  if (*forecast) st = tide::app::RunForecast(fc);
  if (*load) st = tide::app::RunLoad(load_args);
  if (*status) st = tide::app::RunStatus(client);
  if (*explain) st = tide::app::RunExplain(client, explain_group, explain_n);
  if (*report) st = tide::app::RunReport(rep);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return st.exit_code();
  }
  return 0;
}
