#include "daemon/render/hosts.h"

#include <cctype>

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

std::set<std::string> bmc_host_names(const State& state) {
  std::set<std::string> out;
  for (const auto& [name, e] : state.enrollments) out.insert(bmc_host_name(name));
  return out;
}

std::vector<std::string> foreign_bmc_lines(std::string_view source, std::string_view hosts,
                                           const std::set<std::string>& names) {
  std::vector<std::string> out;
  bool inside = false;
  std::vector<std::string> lines = split(hosts, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l == kHostsBegin) inside = true;
    if (l == kHostsEnd) inside = false;
    if (inside || l.empty() || l[0] == '#') continue;
    std::vector<std::string> fields = split_ws(l.substr(0, l.find('#')));
    for (size_t f = 1; f < fields.size(); ++f) {
      // The resolver matches names case-insensitively; ours are lowercase.
      std::string lower = fields[f];
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!names.count(lower)) continue;
      out.push_back(std::string(source) + ":" + std::to_string(i + 1) + ": '" + quote_for_message(l, 80) + "'");
      break;
    }
  }
  return out;
}

}  // namespace ij
