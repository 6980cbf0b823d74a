// forecast_command.h: `tide forecast` — fit a model on a trace up to a time and write the
// forecast (or, with --backtest, rolling-origin accuracy per model). See docs/FORECASTING.md.
#pragma once

#include <string>

#include "core/result.h"

namespace tide::app {

struct ForecastArgs {
  std::string trace;           // Trace CSV (timestamp,value)
  std::string at;              // forecast origin: trace seconds or a duration ("10d")
  std::string horizon = "2h";  // how far ahead
  std::string model = "auto";  // forecast::ModelNames()
  std::string csv;             // t,mean,lo80,hi80,lo95,hi95 ("-" = stdout; default when no --json)
  std::string json;            // the same as JSON, with model, notes and cleaning report
  bool backtest = false;       // print MASE, sMAPE and coverage per model instead
  // Whether --at, --horizon, --model were given: --backtest rejects the first two and runs
  // only the named model with the third.
  bool at_given = false, horizon_given = false, model_given = false;
};

// Exit code via Status::exit_code(): 2 for bad input (message names the flag, the bad value
// and what is allowed), 1 for an output failure.
Status RunForecast(const ForecastArgs& args);

}  // namespace tide::app
