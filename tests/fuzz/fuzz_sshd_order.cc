// Fuzzes the reading of sshd's configuration in sshd's order (the operator's
// files, and whoever else writes drop-ins). The input is a virtual /etc/ssh:
// the main file's lines, then "== NAME" lines that start another file
// (NAME relative to /etc/ssh unless it starts with '/').
#include <fnmatch.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/strings.h"
#include "daemon/render/sshd_order.h"

namespace {

const std::string kMain = "/etc/ssh/sshd_config";
const std::string kOurs = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";

struct World {
  std::map<std::string, std::string> files;
  size_t reads = 0;
  ij::SshdConfigReader reader() {
    return ij::SshdConfigReader{
        [this](const std::string& path) -> ij::Result<std::optional<std::string>> {
          ++reads;
          auto it = files.find(path);
          if (it == files.end()) return std::optional<std::string>{};
          return std::optional<std::string>(it->second);
        },
        [this](const std::string& pattern) -> ij::Result<std::vector<std::string>> {
          std::vector<std::string> out;
          for (const auto& [path, text] : files)
            if (fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) out.push_back(path);
          return out;
        },
    };
  }
};

void check(World& world) {
  auto order = ij::read_sshd_order(kMain, kOurs, ij::kSshdSystemDir, world.reader());
  if (world.reads > ij::kSshdMaxFilesRead + 1) __builtin_trap();  // the budget holds
  if (!order) return;
  for (const ij::SshdDirective& d : order->before) {
    // Each finding is a line of a file that was read, and that line says Match.
    auto it = world.files.find(d.file);
    if (it == world.files.end()) __builtin_trap();
    std::vector<std::string> lines = ij::split(it->second, '\n');
    if (d.line < 1 || d.line > lines.size()) __builtin_trap();
    std::string line;  // sshd drops the quotes in a keyword: M"atch" is Match
    for (char c : lines[d.line - 1])
      if (c != '"') line += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (line.find("match") == std::string::npos) __builtin_trap();
    // The text goes into one-line messages.
    if (d.text.empty() || d.text.size() > 130) __builtin_trap();
    for (char c : d.text)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World world;
  std::string name = kMain;
  world.files[kMain];  // there, even if empty
  for (const std::string& line : ij::split(std::string_view(reinterpret_cast<const char*>(data), size), '\n')) {
    if (line.rfind("== ", 0) == 0) {
      name = line.size() > 3 && line[3] == '/' ? line.substr(3) : "/etc/ssh/" + line.substr(3);
      world.files[name];
      continue;
    }
    world.files[name] += line + "\n";
  }
  check(world);

  // A Match put first in the main file is one more finding, the first,
  // and changes nothing else.
  auto before = ij::read_sshd_order(kMain, kOurs, ij::kSshdSystemDir, world.reader());
  World first = world;
  first.files[kMain] = "Match User fuzz\n" + first.files[kMain];
  auto after = ij::read_sshd_order(kMain, kOurs, ij::kSshdSystemDir, first.reader());
  if (before.ok() != after.ok()) __builtin_trap();
  if (before && (after->before.size() != before->before.size() + 1 || after->before[0].file != kMain ||
                 after->before[0].line != 1 || after->reaches_ours != before->reaches_ours))
    __builtin_trap();
  return 0;
}
