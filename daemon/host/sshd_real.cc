#include "daemon/host/sshd_real.h"

#include <signal.h>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/exec.h"
#include "common/sys/fs.h"

namespace ij {
namespace {

std::string first_error_line(const std::string& output) {
  for (const std::string& line : split_lines(output)) {
    std::string_view l = trim(line);
    if (!l.empty()) return std::string(l);
  }
  return "no output";
}

}  // namespace

Status RealSshd::test_config(const std::string& main_config) {
  auto r = run_program({config_.sshd_binary, "-t", "-f", main_config});
  if (!r) return r.error();
  if (r->exit_code != 0)
    return make_error(Errc::failed, "sshd -t rejects the configuration: " + first_error_line(r->output));
  return ok_status();
}

Status RealSshd::check_candidate(const std::string& dropin) {
  // A scratch main config that reads the candidate first, then the live
  // configuration: sshd keeps the first value of each keyword, so the
  // candidate takes the place of the installed drop-in.
  IJ_TRY(ensure_dir(config_.runtime_dir, 0700));
  const std::string candidate = config_.runtime_dir + "/candidate-dropin.conf";
  const std::string main = config_.runtime_dir + "/check-sshd_config";
  IJ_TRY(write_file_atomic(candidate, dropin, 0600));
  Status s = write_file_atomic(main, "Include " + candidate + "\nInclude " + config_.sshd_config + "\n", 0600);
  if (s) s = test_config(main);
  remove_file(candidate);
  remove_file(main);
  return s;
}

Result<std::string> RealSshd::effective(const std::string& user) {
  auto r = run_program({config_.sshd_binary, "-T", "-f", config_.sshd_config, "-C",
                        "user=" + user + ",host=jumphost-check,addr=127.0.0.1,laddr=127.0.0.1,lport=22"});
  if (!r) return r.error();
  if (r->exit_code != 0) return make_error(Errc::failed, "sshd -T failed: " + first_error_line(r->output));
  return r->output;
}

Status RealSshd::verify_effective(const std::string& user, const std::string& command) {
  auto output = effective(user);
  if (!output) return output.error();
  for (const std::string& line : split_lines(*output)) {
    if (starts_with(line, "forcecommand ")) {
      if (line.substr(13) == command) return ok_status();
      return make_error(Errc::failed, "sshd gives user " + user + " ForceCommand '" + line.substr(13) +
                                          "' instead of the wrapper: an earlier Match block in " +
                                          config_.sshd_config + " overrides ours");
    }
  }
  return make_error(Errc::failed, "sshd does not apply " + config_.sshd_dropin_dir + " to user " + user +
                                      ": add 'Include " + config_.sshd_dropin_dir + "/*.conf' at the top of " +
                                      config_.sshd_config);
}

Status RealSshd::reload() {
  // A HUP makes sshd re-exec itself; with a broken configuration it would
  // exit and lock everyone out, so check first.
  IJ_TRY(test_config(config_.sshd_config));
  auto text = read_file(config_.sshd_pid_file);
  if (!text) return text.error();
  if (!text->has_value()) {
    log::info("sshd is not running (no " + config_.sshd_pid_file + "): nothing to reload");
    return ok_status();
  }
  unsigned long pid = 0;
  if (!parse_uint(trim(**text), 2, 4194304, &pid))
    return make_error(Errc::failed, config_.sshd_pid_file + " does not hold a process ID");
  auto comm = read_file("/proc/" + std::to_string(pid) + "/comm");
  if (!comm || !comm->has_value() || trim(**comm) != "sshd") {
    log::info("sshd is not running (stale " + config_.sshd_pid_file + "): nothing to reload");
    return ok_status();
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) < 0)
    return make_error(Errc::failed, "cannot signal sshd (pid " + std::to_string(pid) + ")");
  return ok_status();
}

}  // namespace ij
