#!/bin/bash
# scale_bench.sh: the jumphost's costs as tenants and BMCs grow, through the
# real path (jumpctl → D-Bus → daemon → netlink, useradd, nft, sshd; ssh →
# sshd → ipmi-wrapper → daemon → FreeIPMI → ipmi_sim). Needs 802.1Q, so it
# runs in the VM:
#
#   IJ_VM_MEMORY=4096 tests/vm/run-in-vm.sh tests/e2e/run-sandbox.sh build tests/bench/scale_bench.sh
#
# Prints, as median (min-max) of RUNS runs where a figure is repeated:
#   - `power status` through ssh and the wrapper against FreeIPMI's own
#     ipmi-power on the jumphost, interleaved in one run, and their ratio;
#   - an ssh login (`ssh TENANT help`) with 1 tenant and with N;
#   - enroll latency as the count grows from 1 to N, revoke latency as it
#     shrinks back (ten operations around each point);
#   - the start-up reconcile with N enrolled after a "reboot" (every VLAN link
#     gone), a restart with nothing to change, `jumpctl list`;
#   - the daemon's resident memory with N enrolled, and with CONSOLES open
#     consoles on as many simulated BMCs.
# A benchmark, not a test: it asserts nothing about time.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
have_8021q || { echo "scale_bench.sh: this kernel has no 802.1Q; run it in the VM (see the header)"; exit 77; }
N=${N:-1000}
RUNS=${RUNS:-10}
CONSOLES=${CONSOLES:-50}
export IJ_DAEMON_START_TENTHS=60000 IJ_DAEMON_POLL=0.01
jumpctl=$IJ_BIN/jumpctl
workarounds=opensesspriv,solchannelsupport,solpayloadsize

mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
switch_trunk_port = eth1-peer
switch_bridge = sw
CONF
keys=$IJ_T/keys
mkdir -m 0755 "$keys"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$keys/k"
chmod 0644 "$keys"/*.pub
printf 'pw-bench\n' > "$keys/pw"
ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$keys/k")

# Timing: now (ns); ms START END; summary < one figure (ms) per line.
now() { date +%s%N; }
ms() { awk -v s="$1" -v e="$2" 'BEGIN {printf "%.1f\n", (e - s) / 1e6}'; }
summary() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f (%.1f-%.1f)", a[int((NR+1)/2)], a[1], a[NR]; else printf "-"}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$daemon_pid/status"; }
die() { echo "scale_bench.sh: $*"; tail -20 "$IJ_T/daemon.log"; exit 1; }

enroll() {  # NAME VID OWNER [enroll options]: times it into $took
  local name=$1 vid=$2 owner=$3; shift 3
  local s e
  s=$(now)
  "$jumpctl" enroll "$name" --vlan "$vid" --owner "$owner" "$@" >/dev/null || die "enroll $name failed"
  e=$(now)
  took=$(ms "$s" "$e")
}
revoke() {  # NAME: times it into $took
  local s e
  s=$(now)
  "$jumpctl" revoke "$1" >/dev/null || die "revoke $1 failed"
  e=$(now)
  took=$(ms "$s" "$e")
}
login_times() {  # USER: RUNS logins that run `help`, one ms figure each
  local s e
  for _ in $(seq 1 "$RUNS"); do
    s=$(now); ssh "${ssh_opts[@]}" -T "$1@127.0.0.1" help >/dev/null 2>&1 || die "ssh $1 help failed"; e=$(now)
    ms "$s" "$e"
  done
}

echo "# setting up: a switch, BMC web01 (ipmi_sim) for alice"
start_switch
start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-bench
start_daemon
enroll web01 101 alice --key "$keys/k.pub" --bmc-ip 192.168.101.10/24 --bmc-user ADMIN \
  --bmc-password-file "$keys/pw" --ipmi-workarounds "$workarounds" --switch-port sw-web01
apply_switch_config

echo "# power status: ssh + wrapper + daemon against ipmi-power on the jumphost, interleaved"
# FreeIPMI reads the password from its configuration file, not the command line.
printf 'username ADMIN\npassword pw-bench\nworkaround-flags %s\n' "$workarounds" > "$IJ_T/freeipmi.conf"
chmod 0600 "$IJ_T/freeipmi.conf"
: > "$IJ_T/via-ssh"; : > "$IJ_T/direct"
for _ in $(seq 1 "$RUNS"); do
  s=$(now); out=$(ssh "${ssh_opts[@]}" -T alice@127.0.0.1 power status 2>&1); e=$(now)
  [ "$out" = "web01: off" ] || die "power status through ssh said: $out"
  ms "$s" "$e" >> "$IJ_T/via-ssh"
  s=$(now); out=$(ipmi-power --config-file "$IJ_T/freeipmi.conf" -h 192.168.101.10 --stat 2>&1); e=$(now)
  [ "$out" = "192.168.101.10: off" ] || die "ipmi-power said: $out"
  ms "$s" "$e" >> "$IJ_T/direct"
done
via=$(median < "$IJ_T/via-ssh") direct=$(median < "$IJ_T/direct")
printf '  ssh alice power status   %s ms\n' "$(summary < "$IJ_T/via-ssh")"
printf '  ipmi-power --stat        %s ms\n' "$(summary < "$IJ_T/direct")"
printf '  ratio of the medians     %s\n' "$(awk -v a="$via" -v b="$direct" 'BEGIN {printf "%.2f", a / b}')"
login_one=$(login_times alice | summary)

echo "# enrolling t2..t$N (one BMC and one tenant each, VLANs 1001.., addresses from the pool)"
: > "$IJ_T/enroll"
for i in $(seq 2 "$N"); do
  enroll "b$i" $((1000 + i)) "t$i" --key "$keys/k.pub"
  echo "$i $took" >> "$IJ_T/enroll"
  [ $((i % 100)) = 0 ] && echo "  $i enrolled"
done
login_n=$(login_times "t$N" | summary)
rss_n=$(rss)
list_n=$(for _ in $(seq 1 "$RUNS"); do s=$(now); "$jumpctl" list >/dev/null; e=$(now); ms "$s" "$e"; done | summary)

echo "# restarts with $N enrolled"
stop_daemon
for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^eth1\.'); do ip link del "$l"; done
s=$(now); start_daemon; e=$(now)
after_reboot=$(ms "$s" "$e")
links=$(ip -o link show | grep -c ' eth1\.[0-9]*@')
restarts=$(for _ in $(seq 1 5); do stop_daemon; s=$(now); start_daemon; e=$(now); ms "$s" "$e"; done | summary)
rss_restarted=$(rss)

echo "# $CONSOLES open consoles (one tenant, $CONSOLES simulated BMCs)"
for c in $(seq 1 "$CONSOLES"); do
  start_bmc "c$c" $((200 + c)) "192.168.$((200 + c)).10/24" "192.168.$((200 + c)).1/24" pw-bench
  enroll "c$c" $((200 + c)) ops --key "$keys/k.pub" --bmc-ip "192.168.$((200 + c)).10/24" --bmc-user ADMIN \
    --bmc-password-file "$keys/pw" --ipmi-workarounds "$workarounds" --switch-port "sw-c$c"
done
apply_switch_config
rss_before_consoles=$(rss) threads_before=$(threads)
for c in $(seq 1 "$CONSOLES"); do
  ssh "${ssh_opts[@]}" -tt ops@127.0.0.1 console "c$c" < <(sleep 3600) >/dev/null 2>&1 &
  for _ in $(seq 1 300); do grep -q "console c$c attach by=ops: done" "$IJ_T/daemon.log" && break; sleep 0.1; done
done
attached=$(grep -c "attach by=ops: done" "$IJ_T/daemon.log")
sleep 2
rss_consoles=$(rss) threads_consoles=$(threads)
pkill -f "console c[0-9]" 2>/dev/null

echo "# revoking t$N..t2"
: > "$IJ_T/revoke"
for i in $(seq "$N" -1 2); do
  revoke "b$i"
  echo "$i $took" >> "$IJ_T/revoke"
done

# bucket FILE K: the ten operations done with about K enrolled (K-9..K).
bucket() { awk -v k="$2" '$1 > k - 10 && $1 <= k {print $2}' "$1" | summary; }
echo
echo "== ipmi-jumphost scale benchmark: $(nproc) vCPU(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), $(date -u +%F)"
echo "power status: ssh+wrapper $(summary < "$IJ_T/via-ssh") ms, ipmi-power $(summary < "$IJ_T/direct") ms, ratio $(awk -v a="$via" -v b="$direct" 'BEGIN {printf "%.2f", a / b}')"
echo "ssh login (help): 1 tenant $login_one ms, $N tenants $login_n ms"
echo "enrolled  enroll ms             revoke ms"
for k in 10 100 $N; do
  [ "$k" -le "$N" ] || continue
  printf '%8d  %-20s  %s\n' "$k" "$(bucket "$IJ_T/enroll" "$k")" "$(bucket "$IJ_T/revoke" "$k")"
done
echo "with $N enrolled: start after a reboot (recreating $links links) $after_reboot ms; restart, nothing to change $restarts ms; jumpctl list $list_n ms"
echo "daemon RSS: $N enrolled $rss_n KiB (after a restart $rss_restarted KiB); $CONSOLES more BMCs $rss_before_consoles KiB, $threads_before threads; $attached consoles open $rss_consoles KiB, $threads_consoles threads"
finish
