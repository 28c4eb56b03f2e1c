#!/bin/bash
# vlan_scale_bench.sh: enroll, revoke and the start-up reconcile with real
# 802.1Q links, with N BMCs already enrolled (one tenant each). Needs a
# kernel with 802.1Q, so it runs in the VM:
#
#   tests/vm/run-in-vm.sh tests/e2e/run-sandbox.sh build tests/bench/vlan_scale_bench.sh
#
# For each N: the first start (the reconcile makes N links, hardens them,
# writes the firewall, N keys files and the drop-in; the N users are written
# straight into passwd/shadow beforehand, as useradd is not what is
# measured here), a start after a "reboot" (every VLAN link deleted), a
# restart with nothing to change, then OPS enrolls of new tenants and their
# revokes through jumpctl, and the daemon's memory. It also prints what
# starting /bin/true costs here, since under QEMU's TCG every process start
# (useradd, nft, sshd -T) costs far more than on hardware.
# COUNTS (default "1 100 1000"), RUNS (default 5) and OPS (default 10).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
have_8021q || { echo "vlan_scale_bench.sh: this kernel has no 802.1Q; run it in the VM (see the header)"; exit 77; }
export IJ_DAEMON_START_TENTHS=60000 IJ_DAEMON_POLL=0.01
COUNTS=${COUNTS:-"1 100 1000"}
RUNS=${RUNS:-5}
OPS=${OPS:-10}
mkdir -p /etc/ipmi-jumphost
printf 'trunk = eth1\nwrapper = %s/ipmi-wrapper\n' "$IJ_BIN" > /etc/ipmi-jumphost/jumphost.conf
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
chmod 0644 "$IJ_T/k.pub"
groupadd -f ipmi-tenants
gid=$(getent group ipmi-tenants | cut -d: -f3)
cp /etc/passwd "$IJ_T/passwd"; cp /etc/shadow "$IJ_T/shadow"
timed_start() { local s e; s=$(now); start_daemon; e=$(now); took=$(ms "$s" "$e"); }
delete_links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^eth1\.' | while read -r l; do ip link del "$l"; done; }

spawn=$(repeat 10 /bin/true | summary)
printf '%5s  %16s  %20s  %24s  %18s  %18s  %s\n' BMCs "first start ms" "after reboot ms" "restart, nothing ms" "enroll ms" "revoke ms" "RSS KiB"
for n in $COUNTS; do
  : > "$IJ_T/enrollments"
  tenants=()
  for i in $(seq 1 "$n"); do
    enrollment "b$i" $((1000 + i)) "t$i" "10.$((i / 256)).$((i % 256)).2/30" "10.$((i / 256)).$((i % 256)).1/30" >> "$IJ_T/enrollments"
    tenants+=("t$i")
    echo "t$i:x:$((20000 + i)):$gid::/nonexistent:$IJ_BIN/ipmi-wrapper" >> /etc/passwd
    echo "t$i:*:20000:0:99999:7:::" >> /etc/shadow
  done
  write_state "$IJ_T/enrollments" "$(cat "$IJ_T/k.pub")" "${tenants[@]}"
  timed_start; first=$took
  [ "$(ip -o link show | grep -c ' eth1\.[0-9]*@')" = "$n" ] || { echo "bench: the first start did not make $n links"; exit 1; }
  stop_daemon; delete_links
  timed_start; reboot=$took
  : > "$IJ_T/restarts"
  for _ in $(seq 1 "$RUNS"); do stop_daemon; timed_start; echo "$took" >> "$IJ_T/restarts"; done
  : > "$IJ_T/enrolls"; : > "$IJ_T/revokes"
  for j in $(seq 1 "$OPS"); do
    timed "$IJ_BIN/jumpctl" enroll "e$j" --vlan $((3000 + j)) --owner "u$j" --key "$IJ_T/k.pub" >> "$IJ_T/enrolls" || exit 1
  done
  for j in $(seq 1 "$OPS"); do timed "$IJ_BIN/jumpctl" revoke "e$j" >> "$IJ_T/revokes" || exit 1; done
  printf '%5d  %16s  %20s  %24s  %18s  %18s  %s\n' "$n" "$first" "$reboot" "$(summary < "$IJ_T/restarts")" \
    "$(summary < "$IJ_T/enrolls")" "$(summary < "$IJ_T/revokes")" "$(daemon_rss)"
  stop_daemon; delete_links
  cp "$IJ_T/passwd" /etc/passwd; cp "$IJ_T/shadow" /etc/shadow
  rm -f /etc/ipmi-jumphost/keys/* /etc/ssh/sshd_config.d/*ipmi-jumphost*.conf
done
echo "(/bin/true takes $spawn ms here; $(machine))"
