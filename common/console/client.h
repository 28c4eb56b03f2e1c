// The client side of an attached console, shared by ipmi-wrapper (a tenant)
// and jumpctl console (an operator): the terminal in raw mode, what the user
// types through the escape filter (escape.h) to the daemon as requests
// (protocol.h), the console's output to standard output.
#pragma once

#include <string>

namespace ij::console {

// Runs until the user detaches (&. or the end of input: 0) or the daemon
// closes the console (1). Prints a bracketed line on the way in and out.
int run_console(int fd, const std::string& name);

// Writes all of [p, p+n) to fd; false when fd is gone (the ssh session
// ended).
bool write_all(int fd, const char* p, size_t n);

// Puts the terminal back as it was (also on SIGHUP, SIGTERM, SIGINT and
// SIGQUIT while a console runs); for the callers' error paths.
void restore_terminal();

}  // namespace ij::console
