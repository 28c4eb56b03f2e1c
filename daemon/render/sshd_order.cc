#include "daemon/render/sshd_order.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/base/strings.h"

namespace ij {
namespace {

constexpr const char* kWhitespace = " \t\r\n";

// misc.c strdelim(): the token at *s, split on whitespace or one '='; a
// double-quoted token may hold either. nullptr when a quote is not closed.
char* strdelim(char** s) {
  if (*s == nullptr) return nullptr;
  char* old = *s;
  *s = std::strpbrk(*s, " \t\r\n\"=");
  if (*s == nullptr) return old;
  if ((*s)[0] == '"') {
    std::memmove(*s, *s + 1, std::strlen(*s));  // the NUL too
    if ((*s = std::strpbrk(*s, "\"")) == nullptr) return nullptr;
    (*s)[0] = '\0';
    *s += std::strspn(*s + 1, kWhitespace) + 1;
    return old;
  }
  const bool equals = (*s)[0] == '=';  // only one '=' is skipped
  (*s)[0] = '\0';
  *s += std::strspn(*s + 1, kWhitespace) + 1;
  if ((*s)[0] == '=' && !equals) *s += std::strspn(*s + 1, kWhitespace) + 1;
  return old;
}

struct Directive {
  std::string keyword;  // lowercase
  std::string rest;
};

// load_server_config() and process_server_config_line_depth(): leading
// blanks go, then trailing ones; nullopt for blank lines and comments (and
// for a keyword with an unclosed quote, which sshd skips too).
std::optional<Directive> directive(const std::string& raw) {
  std::string line = raw.substr(std::min(raw.size(), raw.find_first_not_of(" \t\r")));
  size_t len = line.size();
  while (len > 1 && std::strchr(" \t\r\n\f", line[len - 1])) --len;
  line.resize(len);
  if (line.empty()) return std::nullopt;
  char* str = line.data();
  char* keyword = strdelim(&str);
  if (keyword && *keyword == '\0') keyword = strdelim(&str);
  if (!keyword || *keyword == '\0' || *keyword == '#') return std::nullopt;
  Directive d{keyword, str ? str : ""};
  for (char& c : d.keyword) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

// misc.c argv_split(s, ..., terminate_on_comment = 1), as Include reads its
// arguments; false on an unclosed quote.
bool argv_split(const std::string& s, std::vector<std::string>* out) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == ' ' || s[i] == '\t') continue;
    if (s[i] == '#') break;
    char quote = 0;
    std::string arg;
    for (; i < n; ++i) {
      const char next = i + 1 < n ? s[i + 1] : '\0';
      if (s[i] == '\\') {
        if (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' ')) ++i;
        arg += s[i];
      } else if (quote == 0 && (s[i] == ' ' || s[i] == '\t')) {
        break;
      } else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
        quote = s[i];
      } else if (quote != 0 && s[i] == quote) {
        quote = 0;
      } else {
        arg += s[i];
      }
    }
    out->push_back(std::move(arg));
    if (i >= n) return quote == 0;
  }
  return true;
}

std::string collapse_slashes(const std::string& path) {
  std::string out;
  for (char c : path)
    if (c != '/' || out.empty() || out.back() != '/') out += c;
  return out;
}

// The line as the operator wrote it, for a message.
std::string shown(const std::string& raw) {
  std::string out;
  for (char c : trim(raw)) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() == ' ') continue;
      c = ' ';
    }
    out += c;
  }
  return quote_for_message(out, 120);
}

class Walker {
 public:
  Walker(const SshdConfigReader& fs, const std::string& ours, const std::string& ssh_dir)
      : fs_(fs), ours_(collapse_slashes(ours)), ssh_dir_(ssh_dir) {}

  // One file's lines, in order; true once ours is reached.
  Result<bool> file(const std::string& path, const std::string& text, int depth) {
    if (text.find('\0') != std::string::npos)
      return make_error(Errc::failed, quote_for_message(path, 200) + " holds a NUL byte, which sshd refuses");
    unsigned number = 0;
    for (const std::string& raw : split(text, '\n')) {
      ++number;
      std::optional<Directive> d = directive(raw);
      if (!d) continue;
      if (d->keyword == "match") {
        order.before.push_back(SshdDirective{path, number, shown(raw)});
      } else if (d->keyword == "include") {
        auto reached = include(path, number, d->rest, depth);
        if (!reached || *reached) return reached;
      }
    }
    return false;
  }

  SshdOrder order;

 private:
  // servconf.c, case sInclude: each argument a glob, relative to ssh_dir,
  // its files read in sorted order (glob(3) in the C locale: sshd never
  // calls setlocale, so byte order).
  Result<bool> include(const std::string& from, unsigned line, const std::string& rest, int depth) {
    const std::string where = quote_for_message(from, 200) + ":" + std::to_string(line);
    std::vector<std::string> args;
    if (!argv_split(rest, &args))
      return make_error(Errc::failed, where + ": Include has unbalanced quotes, which sshd refuses");
    for (const std::string& arg : args) {
      if (arg.empty()) break;  // sshd rejects the rest of the line
      const std::string pattern = arg[0] == '/' || arg[0] == '~' ? arg : ssh_dir_ + "/" + arg;
      auto globbed = fs_.glob(pattern);
      if (!globbed) return globbed.error();
      std::vector<std::string> paths = *globbed;
      // Ours may not exist yet: it is where it will be once written.
      if (fnmatch(collapse_slashes(pattern).c_str(), ours_.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0)
        paths.push_back(ours_);
      std::sort(paths.begin(), paths.end());
      paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
      for (const std::string& path : paths) {
        if (depth + 1 > kSshdMaxIncludeDepth)
          return make_error(Errc::failed, where + ": Includes nested more than " +
                                              std::to_string(kSshdMaxIncludeDepth) + " deep, which sshd refuses");
        if (collapse_slashes(path) == ours_) {
          order.reaches_ours = true;
          return true;
        }
        if (++files_read_ > kSshdMaxFilesRead)
          return make_error(Errc::failed, where + ": more than " + std::to_string(kSshdMaxFilesRead) +
                                              " files read through Include");
        auto text = fs_.read(path);
        if (!text) return text.error();
        if (!text->has_value()) continue;  // gone since the glob
        auto reached = file(path, **text, depth + 1);
        if (!reached || *reached) return reached;
      }
    }
    return false;
  }

  const SshdConfigReader& fs_;
  const std::string ours_;
  const std::string ssh_dir_;
  size_t files_read_ = 0;
};

}  // namespace

Result<SshdOrder> read_sshd_order(const std::string& main_config, const std::string& ours,
                                  const std::string& ssh_dir, const SshdConfigReader& fs) {
  auto text = fs.read(main_config);
  if (!text) return text.error();
  if (!text->has_value()) return make_error(Errc::not_found, main_config + " does not exist");
  Walker walker(fs, ours, ssh_dir);
  auto reached = walker.file(main_config, **text, 0);
  if (!reached) return reached.error();
  return walker.order;
}

std::string describe_before(const SshdDirective& d, const std::string& ours) {
  return quote_for_message(d.file, 200) + ":" + std::to_string(d.line) + ": '" + d.text +
         "' comes before the tenants' block in " + ours + " and would win over it for some connections";
}

std::string SshdListener::str() const {
  const std::string host = address.find(':') == std::string::npos ? address : "[" + address + "]";
  return host + ":" + std::to_string(port);
}

std::vector<SshdListener> parse_sshd_listeners(const std::string& output) {
  // servconf.c format_listen_addrs(): "listenaddress [%s]:%s" for
  // IPv6, "listenaddress %s:%s" otherwise, then " rdomain R" if set.
  std::vector<SshdListener> out;
  for (const std::string& line : split_lines(output)) {
    std::vector<std::string> words = split_ws(line);
    if (words.size() < 2 || words[0] != "listenaddress") continue;
    const std::string& where = words[1];
    const size_t colon = where.rfind(':');
    if (colon == std::string::npos) continue;
    std::string host = where.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned long port = 0;
    if (host.empty() || !parse_uint(where.substr(colon + 1), 1, 65535, &port)) continue;
    SshdListener l{host, static_cast<unsigned>(port)};
    bool seen = false;
    for (const SshdListener& o : out) seen |= o.address == l.address && o.port == l.port;
    if (!seen) out.push_back(l);
  }
  return out;
}

}  // namespace ij
