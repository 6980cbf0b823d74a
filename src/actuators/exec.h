// exec.h: the exec actuator — runs a command (argv, never a shell) once per action.
#pragma once

#include <string>
#include <vector>

#include "actuators/actuator.h"

namespace tide::actuators {

// Replaces every "{desired}", "{current}" and "{group}" in `arg` with the action's values.
std::string ExpandPlaceholders(const std::string& arg, const Action& a);

// The last non-empty line of a command's output, trimmed and at most 200 characters.
std::string LastLine(const std::string& output);

// Runs `command` with placeholders expanded in every element and TIDE_GROUP, TIDE_DESIRED,
// TIDE_CURRENT, TIDE_REASON added to the environment. Exit 0 = applied; another exit status or
// a signal = failed; the per-attempt timeout = timed out (the process group is killed). Both
// are retried. detail: "exit 3: <last output line>", "signal 9", "timed out after 10 s", or
// the start error ("cannot start 'x': No such file or directory"). Shutdown: no attempt starts
// after `shutdown.stop`; `shutdown.abort` kills the command in flight (as at the timeout): a
// failure whose detail starts with "cancelled".
class ExecActuator : public Actuator {
 public:
  // REQUIRES: !command.empty(), timeout > 0, retries >= 0.
  ExecActuator(std::vector<std::string> command, double timeout, int retries, double backoff_base,
               Shutdown shutdown = {})
      : command_(std::move(command)),
        timeout_(timeout),
        retries_(retries),
        backoff_base_(backoff_base),
        shutdown_(std::move(shutdown)) {}

  ActionResult Apply(const Action& a) override;
  std::string Describe() const override;

 private:
  const std::vector<std::string> command_;
  const double timeout_;
  const int retries_;
  const double backoff_base_;
  const Shutdown shutdown_;
};

}  // namespace tide::actuators
