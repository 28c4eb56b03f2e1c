// Time as a side effect behind an interface (ninja's VirtualFileSystem
// Tick() idea): the daemon reads the system clock, the tests set it.
#pragma once

#include <chrono>
#include <string>

namespace ij {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

// "2026-11-29T21:45:01Z"
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace ij
