// Runs a program with an argv, never through a shell, with a clean
// environment, stdin from /dev/null, output captured (bounded) and a timeout.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij {

struct ExecResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // stdout and stderr together, at most kMaxExecOutput bytes
};

constexpr size_t kMaxExecOutput = 64 * 1024;

// Fails only when the program could not be run or timed out; a non-zero exit
// is a successful run with exit_code != 0.
Result<ExecResult> run_program(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Runs and requires exit 0; the error carries the program's last output line.
Status run_checked(const std::vector<std::string>& argv);

}  // namespace ij
