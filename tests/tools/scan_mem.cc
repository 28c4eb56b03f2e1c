// ij-scan-mem [--private] PID TEXT: prints how many times TEXT occurs in the readable
// memory of process PID (every mapping of /proc/PID/maps, freed heap
// included), for the tests that check how many copies of a BMC password a
// daemon keeps; each one's mapping goes to stderr (with IJ_SCAN_DUMP set,
// the bytes around it too). Needs root (the daemon is not dumpable). Exit 1 on error.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  // --private: only private mappings, leaving out shared ones (libipmiconsole
  // keeps a session's credentials in locked pages of its own, shared
  // anonymous mappings, until its engine has closed the session).
  bool private_only = argc == 4 && std::string(argv[1]) == "--private";
  if (private_only) ++argv, --argc;
  if (argc != 3 || !*argv[2]) {
    std::fprintf(stderr, "usage: ij-scan-mem [--private] PID TEXT\n");
    return 1;
  }
  const std::string pid = argv[1], needle = argv[2];
  std::ifstream maps("/proc/" + pid + "/maps");
  int mem = ::open(("/proc/" + pid + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (!maps || mem < 0) {
    std::fprintf(stderr, "ij-scan-mem: cannot read process %s: %s\n", pid.c_str(), std::strerror(errno));
    return 1;
  }
  long count = 0;
  std::string line;
  std::vector<char> buf;
  while (std::getline(maps, line)) {
    uint64_t from = 0, to = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %4s", &from, &to, perms) != 3) continue;
    if (perms[0] != 'r' || line.find("[vvar]") != std::string::npos) continue;
    if (private_only && perms[3] == 's') continue;
    buf.resize(to - from);
    ssize_t n = ::pread(mem, buf.data(), buf.size(), static_cast<off_t>(from));
    if (n <= 0) continue;  // a mapping the kernel will not read (a guard page, device memory)
    const char* end = buf.data() + n;
    for (const char* p = buf.data(); (p = static_cast<const char*>(memmem(p, end - p, needle.data(), needle.size())));
         p += needle.size()) {
      ++count;
      // Where, for a failing test's log.
      std::fprintf(stderr, "ij-scan-mem: at +0x%zx of %s\n", static_cast<size_t>(p - buf.data()), line.c_str());
      if (std::getenv("IJ_SCAN_DUMP")) {  // and what is around it, printable bytes only
        const char* from = p - std::min<ptrdiff_t>(p - buf.data(), 64);
        for (const char* q = from; q < end && q < p + 96; ++q) std::fputc(*q >= 32 && *q < 127 ? *q : '.', stderr);
        std::fputc('\n', stderr);
      }
    }
  }
  std::printf("%ld\n", count);
  return 0;
}
