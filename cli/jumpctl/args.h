// jumpctl's command line, parsed without side effects (files are read later).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij::cli {

struct Command {
  std::string verb;                 // enroll, revoke, list, show, key-add, key-remove, client-config, help
  std::vector<std::string> args;    // positional arguments after the verb
  bool json = false;
  std::string vendor;               // switch-config
  // enroll
  std::string vlan;
  std::string owner;
  std::string bmc_ip;
  std::vector<std::string> key_files;
  std::string ports;
  std::string bmc_user;
  std::string bmc_password_file;
  std::string switch_port;
  std::string ipmi_privilege;
  std::string cipher_suite;
  std::string ipmi_workarounds;
};

// Errors are usage errors (exit 2), with a message naming the bad argument.
Result<Command> parse_command_line(const std::vector<std::string>& argv);

extern const char* const kUsage;

}  // namespace ij::cli
