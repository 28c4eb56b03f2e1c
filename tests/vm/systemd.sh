#!/bin/bash
# ctest vm_systemd: boots the VM with systemd as PID 1 on a fresh disk and
# runs tests/vm/systemd_test.sh there (two boots) with the .deb the package
# test built. usage: systemd.sh DEB-DIR WORK-DIR
set -euo pipefail
debs=$1 work=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
ls "$debs"/ipmi-jumphost_*_amd64.deb >/dev/null 2>&1 || { echo "no .deb in $debs (the package test makes it)"; exit 1; }
mkdir -p "$work"
rm -f "$work/vm-systemd.img"
rc=0
IJ_VM_INIT=systemd IJ_VM_DISK="$work/vm-systemd.img" IJ_VM_BOOTS=2 \
  "$src/tests/vm/run-in-vm.sh" bash "$src/tests/vm/systemd_test.sh" "$debs" || rc=$?
rm -f "$work/vm-systemd.img"
exit $rc
