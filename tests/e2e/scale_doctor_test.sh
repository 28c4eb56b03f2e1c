#!/bin/bash
# The bus thread never waits on the doctor (issue 16), at N tenants (default
# 1,000; IJ_SCALE_TENANTS): a doctor that runs sshd -T for every tenant (a
# Match block before the tenants' block makes it) is running while a tenant's
# ssh … list is answered, a second doctor is refused meanwhile, and a change
# made during it is said in its findings. Then, without that block, the
# doctor's cheaper path (a group lookup per tenant after the first). Figures
# are printed, nothing is timed. Runs inside run-sandbox.sh (no 802.1Q
# needed: the links' absence is one more finding).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
export IJ_DAEMON_START_TENTHS=3000
n=${IJ_SCALE_TENANTS:-1000}
jumpctl=$IJ_BIN/jumpctl
mkdir -p /etc/ipmi-jumphost
printf 'trunk = eth1\nwrapper = %s/ipmi-wrapper\nswitch_trunk_port = 24\n' "$IJ_BIN" > /etc/ipmi-jumphost/jumphost.conf
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
chmod 0644 "$IJ_T/k.pub"
seed_tenants "$n" "$IJ_T/k.pub"
start_daemon
ssh_tenant() {
  timeout 60 ssh -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$IJ_T/k" -T "$@"
}
check "t1 lists their BMC through ssh" grep -q b1 <(ssh_tenant t1@127.0.0.1 list)
idle=$(repeat 5 ssh_tenant t1@127.0.0.1 list | summary)

echo "# a doctor running sshd -T for each of $n tenants"
printf 'Match Address 10.99.0.0/16\n\tPermitListen any\n' > /etc/ssh/sshd_config.d/0-site.conf
s=$(now)
"$jumpctl" doctor > "$IJ_T/doctor.out" 2>&1 &
doctor=$!
# Its sshd -T runs show it is in its slow part.
for i in $(seq 1 600); do pgrep -f "sshd -T" >/dev/null && break; sleep 0.05; done
check "the doctor is running sshd -T" kill -0 "$doctor"
before=$(now)
listed=$(ssh_tenant t2@127.0.0.1 list 2>&1)
after=$(now)
check "a tenant's ssh … list is answered meanwhile" grep -q b2 <<<"$listed"
check "  before the doctor is done" kill -0 "$doctor"
second=$("$jumpctl" doctor 2>&1)
check "a second doctor meanwhile is refused, with the reason" grep -q "one is running already" <<<"$second"
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k2"
check "a change is made meanwhile (key add)" "$jumpctl" key add t3 "$IJ_T/k2.pub"
check "  the doctor still running" kill -0 "$doctor"
wait "$doctor"
e=$(now)
check "the doctor reports the Match block" grep -q "PROBLEM  /etc/ssh/sshd_config.d/0-site.conf:1: 'Match Address 10.99.0.0/16' comes before" "$IJ_T/doctor.out"
check "  and each tenant's sshd -T (t$n's)" grep -q "ok       sshd gives t$n the tenant's restrictions" "$IJ_T/doctor.out"
check "  and that the state changed while it ran" grep -q "the state changed while the doctor ran" "$IJ_T/doctor.out"
slow="$(ms "$s" "$e")"
during="$(ms "$before" "$after")"

echo "# without the block: one sshd -T, then a group lookup per tenant"
rm /etc/ssh/sshd_config.d/0-site.conf
usermod -g users "t$n"
s=$(now); "$jumpctl" doctor > "$IJ_T/doctor.out" 2>&1; e=$(now)
check "the doctor says the other tenants get the same block" \
  grep -q "ok       sshd gives the $((n - 2)) other tenant(s) the same block" "$IJ_T/doctor.out"
check "  and finds the tenant taken out of the group" \
  grep -q "PROBLEM  tenant t$n is not in group ipmi-tenants: sshd does not give them the tenants' block" "$IJ_T/doctor.out"
check_eq "  with one sshd -T per address, not per tenant" "0" "$(grep -c "sshd gives t2 " "$IJ_T/doctor.out")"
fast="$(ms "$s" "$e")"
s=$(now); "$jumpctl" switch-config --vendor ios > "$IJ_T/switch.txt"; e=$(now)
check "switch-config for the $n BMCs" test "$(grep -c '^ switchport access vlan ' "$IJ_T/switch.txt")" = "$n"
switch="$(ms "$s" "$e")"
echo "figures ($n tenants; $(machine)): doctor with sshd -T per tenant ${slow} ms; ssh t2 list during it ${during} ms" \
  "(idle: $idle ms); doctor with group lookups ${fast} ms; switch-config --vendor ios ${switch} ms"
finish
