// The reentrant passwd and group lookups (getpwnam_r, getgrgid_r and kin)
// with their buffer grown on ERANGE: the doctor and a reconcile run on
// workers while the bus thread looks up callers and tenants, and the plain
// getpwnam's static buffer is shared by every thread.
#pragma once

#include <cerrno>
#include <cstddef>
#include <vector>

namespace ij {

// Calls LOOKUP(KEY, &entry, buffer, size, &found) with BUF grown (from
// 16 KiB, up to 4 MiB) while it says ERANGE. 0 when found, ENOENT when not
// (the codes getpwnam_r(3) lists for "not found" folded in), else the error.
// ENTRY points into BUF: keep BUF while using it.
template <class Key, class Entry>
int nss_lookup(int (*lookup)(Key, Entry*, char*, size_t, Entry**), Key key, Entry& entry, std::vector<char>& buf) {
  for (buf.resize(16384);; buf.resize(buf.size() * 2)) {
    Entry* found = nullptr;
    const int rc = lookup(key, &entry, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (size_t{1} << 22)) continue;
    if (rc == 0) return found ? 0 : ENOENT;
    return rc == ESRCH || rc == EBADF || rc == EPERM ? ENOENT : rc;
  }
}

}  // namespace ij
