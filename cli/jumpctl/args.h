// jumpctl's command line, parsed without side effects (files are read later),
// and the help texts, made from the same table of commands and options, so
// an option the parser accepts is one the help shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij::cli {

struct Command {
  // enroll, set, revoke, list, show, key-add, key-remove, client-config,
  // switch-config, doctor, console, consoles, console-log, power, check;
  // help and version print and exit.
  std::string verb;
  std::string host;                 // -H [USER@]HOST[:PORT]: another jumphost's daemon, over ssh
  std::vector<std::string> args;    // positional arguments after the verb
  std::string help_topic;           // help: empty for the whole usage, else a topic of command_help()
  bool json = false;
  std::string vendor;               // switch-config
  // enroll
  std::string vlan;
  std::string trunk;
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
  std::string console_log;          // enroll --console-log
  std::string console_mode;         // console: "", "read-only", "force" or "deactivate"
  std::string lines;                // console-log --lines
  bool check = false;               // enroll, set: --check
  bool status = false;              // list --status
  bool all = false;                 // power --all
  bool wait = false;                // power --wait
  std::string fanout;               // power --fanout
  std::vector<std::string> clear;   // set --no-X: bmc-password, switch-port, ipmi-workarounds
};

// Whether `host` is a -H argument jumpctl passes on to ssh: [USER@]HOST[:PORT]
// with a user name, a host name or address (IPv6 in brackets) and a port;
// nothing ssh could read as an option.
Status validate_remote_host(const std::string& host);

// Errors are usage errors (exit 2), with a message naming the bad argument.
Result<Command> parse_command_line(const std::vector<std::string>& argv);

// The line that follows a usage error: "try 'jumpctl enroll --help'" when
// `argv` names a command, "try 'jumpctl --help'" when it does not.
std::string usage_hint(const std::vector<std::string>& argv);

// Every command's synopsis (jumpctl --help).
std::string usage();
// One command's synopsis, a line per option and an example, for a topic:
// a verb of Command ("key-add"), or "key" for both key commands; nullopt
// for anything else.
std::optional<std::string> command_help(const std::string& topic);

}  // namespace ij::cli
