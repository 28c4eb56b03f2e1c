#include "daemon/render/hosts.h"

#include "common/base/strings.h"
#include "common/model/names.h"

namespace ij {

std::string render_hosts_block(const State& state) {
  if (state.enrollments.empty()) return "";
  std::string out = std::string(kHostsBegin) + "\n";
  for (const auto& [name, e] : state.enrollments) out += e.bmc_address.address.str() + "\t" + bmc_host_name(name) + "\n";
  out += std::string(kHostsEnd) + "\n";
  return out;
}

Result<std::string> merge_hosts_block(std::string_view source, std::string_view hosts, const std::string& block) {
  std::vector<std::string> lines = split(hosts, '\n');
  bool trailing_newline = !hosts.empty() && hosts.back() == '\n';
  if (trailing_newline) lines.pop_back();
  size_t begin = lines.size(), end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    auto where = [&] { return std::string(source) + ":" + std::to_string(i + 1); };
    if (l == kHostsBegin) {
      if (begin != lines.size())
        return make_error(Errc::failed, where() + ": a second ipmi-jumphost block begins here; remove one by hand");
      begin = i;
    } else if (l == kHostsEnd) {
      if (begin == lines.size() || end != lines.size())
        return make_error(Errc::failed, where() + ": an ipmi-jumphost END marker without its BEGIN; fix by hand");
      end = i;
    }
  }
  if (begin != lines.size() && end == lines.size())
    return make_error(Errc::failed, std::string(source) + ":" + std::to_string(begin + 1) +
                                        ": the ipmi-jumphost block is not closed; fix by hand");
  std::string out;
  auto emit = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) out += lines[i] + "\n";
  };
  if (begin == lines.size()) {
    emit(0, lines.size());  // a last line without its newline gets one
    out += block;
  } else {
    emit(0, begin);
    out += block;
    emit(end + 1, lines.size());
  }
  return out;
}

}  // namespace ij
