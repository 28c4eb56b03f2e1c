#!/bin/bash
# tests/lab/down.sh: stops the lab. Everything the lab made lived in the VM's
# tmpfs, so stopping the VM removes it; then the lab directory goes.
set -u
lab=${IJ_LAB_DIR:-/tmp/ij-lab}
if [ -e "$lab/vm.pid" ]; then
  pid=$(cat "$lab/vm.pid")
  # up.sh started the VM with setsid: its session holds the runner, the
  # timeout(1) around QEMU (in a process group of its own) and QEMU.
  pkill -TERM -s "$pid" 2>/dev/null
  for _ in $(seq 1 50); do pgrep -s "$pid" >/dev/null || break; sleep 0.1; done
  pkill -KILL -s "$pid" 2>/dev/null
fi
rm -rf "$lab"
echo "lab: down"
