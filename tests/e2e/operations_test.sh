#!/bin/bash
# What tenants and operators do with a BMC besides its console (issue 15),
# through the real path: ssh → sshd → ipmi-wrapper → D-Bus → ipmi-jumphostd →
# FreeIPMI's libraries → ipmi_sim; and jumpctl → D-Bus → the daemon's
# fan-out. FreeIPMI's own tools, run against the same simulated BMCs, are
# the reference for what the BMC holds. Runs inside run-sandbox.sh; the BMCs
# sit on veths (no VLANs needed here).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
export IJ_BMC_VETH=1

jumpctl=$IJ_BIN/jumpctl
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
public_host = jump.test
console_log = attached
CONF
keys=$IJ_T/keys
mkdir -m 0755 "$keys"
for k in alice bob; do ssh-keygen -q -t ed25519 -N '' -C "$k@e2e" -f "$keys/$k"; done
chmod 0644 "$keys"/*.pub

start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
start_bmc web02 102 192.168.102.10/24 192.168.102.1/24 pw-web02
start_bmc db01 103 192.168.103.10/24 192.168.103.1/24 pw-db01
start_bmc gone01 104 192.168.104.10/24 192.168.104.1/24 pw-gone01
stop_bmc_sim gone01  # a BMC that never answers
# web01's chassis takes 2 s to do what it was told, as real ones do while
# the BMC already said "done": --wait must see the change, not the reply.
set_power_delay web01 2
mkdir -p -m 0711 /var/lib/ipmi-jumphost
# nochecksumcheck: ipmi_sim's Chassis Identify answer (bmc_sim.sh).
workarounds="workarounds=opensesspriv,solchannelsupport,solpayloadsize,nochecksumcheck"
{
  echo "bmc web01 101 alice 192.168.101.10/24 bmc_user=ADMIN bmc_password=pw-web01 enrolled_at=2026-11-25T12:00:00Z $workarounds"
  echo "bmc web02 102 alice 192.168.102.10/24 bmc_user=ADMIN bmc_password=pw-web02 enrolled_at=2026-11-25T12:00:00Z $workarounds"
  echo "bmc db01 103 bob 192.168.103.10/24 bmc_user=ADMIN bmc_password=pw-db01 enrolled_at=2026-11-25T12:00:00Z $workarounds"
  echo "bmc gone01 104 bob 192.168.104.10/24 bmc_user=ADMIN bmc_password=pw-gone01 enrolled_at=2026-11-25T12:00:00Z $workarounds"
  echo "tenant alice $(cat "$keys/alice.pub")"
  echo "tenant bob $(cat "$keys/bob.pub")"
} | "$IJ_BIN/tests/ij-seed-state" /var/lib/ipmi-jumphost/state.json || exit 1
start_daemon
useradd -M -G jumphost-admin opadmin

ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
ssh_as() {  # USER COMMAND...: sets $out, $err, $rc
  local user=$1; shift
  rc=0
  ssh "${ssh_opts[@]}" -i "$keys/$user" "$user@127.0.0.1" "$@" >"$IJ_T/o" 2>"$IJ_T/e" </dev/null || rc=$?
  out=$(cat "$IJ_T/o") err=$(cat "$IJ_T/e")
}
# FreeIPMI's own tools against web01, as the reference (the password in a
# file the tool reads, never on its command line).
printf 'username ADMIN\npassword pw-web01\nprivilege-level ADMIN\nworkaround-flags opensesspriv,nochecksumcheck\n' \
  > "$IJ_T/freeipmi.conf"
chmod 600 "$IJ_T/freeipmi.conf"
mkdir -m 0700 "$IJ_T/ref-cache"
ref() { local tool=$1; shift; TZ=UTC "$tool" -D LAN_2_0 -h 192.168.101.10 --config-file "$IJ_T/freeipmi.conf" "$@" 2>&1; }

echo "# power, and --wait for what the chassis does"
ssh_as alice power status --json web01
check_eq "power status --json" '{"bmc":"web01","power":"off"}' "$(jq -c '{bmc, power}' <<<"$out")"
ssh_as alice power on web01
check_eq "power on answers when the BMC accepted it" "web01: ok" "$out"
ssh_as alice power status web01
check_eq "  while the chassis is still off" "web01: off" "$out"
sleep 2.5
ssh_as alice power off --wait web01
check "power off --wait answers once the chassis is off" grep -qE '^web01: off \(after [2-9] s\)$' <<<"$out"
check_eq "  and it is" 0 "$(bmc_power_file web01)"
ssh_as alice power on --wait --json web01
check_eq "power on --wait --json" "true on" "$(jq -r '"\(.waited) \(.power)"' <<<"$out")"
# ipmi_sim has no diagnostic interrupt: it refuses the request, and the
# refusal reaches the tenant as the BMC said it.
ssh_as alice power diag web01
check_eq "power diag reaches the BMC (ipmi_sim refuses it)" \
  "BMC web01 (192.168.101.10) refused power diag: command invalid or unsupported" "$err"
ssh_as alice power diag --wait web01
check_eq "  and has nothing to wait for" "power diag has no state to wait for" "$err"
check "the waits are journaled with who and the result" \
  grep -q "power on web01 by=alice: web01: on (after" "$IJ_T/daemon.log"

echo "# identify"
ssh_as alice identify 30 web01
check_eq "identify 30" "web01: identify light on for 30 s" "$out"
ssh_as alice identify off web01
check_eq "identify off" "web01: identify light off" "$out"
ssh_as alice identify on web01 --json
check_eq "identify on --json" "true true" "$(jq -r '"\(.on) \(.forever)"' <<<"$out")"
check "identify is journaled" grep -q "identify web01 by=alice: on for 30 s" "$IJ_T/daemon.log"

echo "# sensors, against ipmi-sensors"
ssh_as alice sensors web01 --json
check_eq "sensors --json: CPU Temp with its reading, unit and state" "45 C nominal" \
  "$(jq -r '.sensors[] | select(.name == "CPU Temp") | "\(.value) \(.unit) \(.state)"' <<<"$out")"
theirs=$(ref ipmi-sensors --no-header-output --comma-separated-output --ignore-not-available-sensors \
           --sdr-cache-directory "$IJ_T/ref-cache" | grep -v '^Caching' | cut -d, -f2 | sort | paste -sd,)
check_eq "  the same sensors as ipmi-sensors reads" "$theirs" "$(jq -r '.sensors[].name' <<<"$out" | sort | paste -sd,)"
ssh_as alice sensors web01
check "sensors (text): a line per sensor" grep -qE '^FAN1 +Fan +4800.00 RPM +nominal$' <<<"$out"
check "  a discrete sensor's events" grep -qE '^PSU1 Status .*Power Supply Failure detected +critical$' <<<"$out"
check "sensors are journaled at info" grep -q "sensors web01 by=alice: 5 sensors" "$IJ_T/daemon.log"

echo "# the event log, against ipmi-sel"
IPMI_PASSWORD=pw-web01 ipmitool -I lanplus -C 3 -H 192.168.101.10 -U ADMIN -E \
  raw 0x0a 0x44 0x00 0x00 0x02 0 0 0 0 0x20 0x00 0x04 0x01 0x02 0x01 0x59 0x2e 0x2d > /dev/null 2>&1
ssh_as alice sel web01 --json
check_eq "sel --json: the event the BMC logged, named from its SDR" "Inlet Temp|critical|Upper Critical - going high" \
  "$(jq -r '.events[] | "\(.sensor)|\(.state)|\(.event)"' <<<"$out")"
ssh_as alice sel web01
check "sel (text): a header and the event" grep -q "Inlet Temp.*critical.*Upper Critical - going high" <<<"$out"
# On a terminal, clear asks first; "n" keeps the log.
out=$( { sleep 2; printf 'n\r'; sleep 1; } | ssh "${ssh_opts[@]}" -i "$keys/alice" -tt alice@127.0.0.1 sel clear web01 2>&1)
check "sel clear on a terminal asks first" grep -q "Erase every event in web01's event log? \[y/N\]" <<<"$out"
check "  and 'n' erases nothing" grep -q "nothing erased" <<<"$out"
ssh_as alice sel web01 --json
check_eq "  the event is still there" 1 "$(jq '.events | length' <<<"$out")"
ssh_as alice sel clear web01
check_eq "sel clear (no terminal: not asked)" "web01: event log erased" "$out"
check_eq "  ipmi-sel finds it empty" "" \
  "$(ref ipmi-sel --no-header-output --sdr-cache-directory "$IJ_T/ref-cache" | grep -v '^Caching')"
ssh_as alice sel web01
check_eq "  and so does sel" "web01: the event log is empty" "$out"
check "the clear is journaled and noted in the console log" grep -q "sel-clear web01 by=alice: cleared" "$IJ_T/daemon.log"

echo "# boot device, against ipmi-chassis"
ssh_as alice bootdev pxe --efi web01
check_eq "bootdev pxe --efi" "web01: next boot from pxe (EFI)" "$out"
check_eq "  the BMC has it" pxe "$(bmc_boot_file web01)"
check_eq "  and ipmi-chassis reads it back" "Boot device selector          : Force PXE" \
  "$(ref ipmi-chassis --get-boot-flags | grep 'Boot device selector')"
ssh_as alice bootdev disk --persistent web01
check_eq "bootdev disk --persistent" "web01: every boot from disk" "$out"
check_eq "  the BMC has it" default "$(bmc_boot_file web01)"
# ipmi_sim answers the boot flags with the "valid" bit clear: no override in
# effect, whatever it keeps (the bits are unit-tested at the library boundary).
ssh_as alice bootdev web01 --json
check_eq "bootdev (read): what a BMC with the valid bit clear means" "none" "$(jq -r .device <<<"$out")"

echo "# another tenant's BMC, and one that does not answer"
ssh_as alice sensors db01
check_eq "alice cannot read bob's sensors" "you have no BMC named db01" "$err"
ssh_as alice sel clear db01
check_eq "  nor clear bob's event log" "you have no BMC named db01" "$err"
ssh_as alice bootdev pxe db01
check_eq "  nor set bob's boot device" "you have no BMC named db01" "$err"
ssh_as bob power status gone01
timeout_message=$err
check "power to a BMC that does not answer says so" grep -q "did not answer within 8 s" <<<"$timeout_message"
ssh_as bob sensors gone01
check_eq "  and sensors say the same" "$timeout_message" "$err"
ssh_as bob identify gone01
check_eq "  and identify" "$timeout_message" "$err"

echo "# the operator: power over many BMCs, list --status, check"
run_as opadmin "$jumpctl" power status --all
check_eq "power status --all fails when one BMC does not answer" 1 "$rc"
check "  one line per BMC, in order" test "$(cut -d: -f1 <<<"$out" | tr '\n' ' ')" = "db01 gone01 web01 web02 "
check "  gone01's line says why" grep -q "^gone01: .*did not answer within 8 s" <<<"$out"
check "  the others answer" grep -q "^web02: off$" <<<"$out"
run_as opadmin "$jumpctl" power on --owner alice --wait
check_eq "power on --owner alice --wait" 0 "$rc"
check "  web02 is on" test "$(bmc_power_file web02)" = 1
run_as opadmin "$jumpctl" power status --json web01 web02
check_eq "power status --json NAME..." "web01 on,web02 on" "$(jq -r 'map("\(.bmc) \(.power)") | join(",")' <<<"$out")"
check "each BMC's action is journaled with the operator" grep -q "power on web02 by=opadmin: web02: on (after" "$IJ_T/daemon.log"
run_as opadmin "$jumpctl" list --status
check_eq "list --status exits 0" 0 "$rc"
check "  web01 is on" grep -qE '^web01 +alice +on ' <<<"$out"
check "  gone01 does not answer, and says so" grep -qE '^gone01 +bob +\? .*did not answer' <<<"$out"
run_as opadmin "$jumpctl" list --status --json
check_eq "list --status --json" "on attached" \
  "$(jq -r '.[] | select(.name == "web01") | "\(.power.power) \(.console.log)"' <<<"$out")"
run_as opadmin "$jumpctl" check web01
check_eq "check web01" 0 "$rc"
check "  the credentials work" grep -q "^web01: the BMC takes the credentials (IPMI 2.0" <<<"$out"
check "  and the cipher suites are listed" grep -q "^web01: cipher suites offered: 0 1 2 3 " <<<"$out"
check "  with the warning hardening guidance gives for suite 0" grep -q "^web01: warning: the BMC offers cipher suite 0" <<<"$out"
run_as opadmin "$jumpctl" check web01 --json
check_eq "check --json" "true 2.0" "$(jq -r '"\(.probe.credentials_ok) \(.probe.ipmi_version)"' <<<"$out")"

echo "# set: in place"
printf 'wrong-pw\n' > "$IJ_T/wrong.pw"
chmod 0644 "$IJ_T/wrong.pw"
cp /var/lib/ipmi-jumphost/state.json "$IJ_T/state.before"
run_as opadmin "$jumpctl" set web01 --bmc-password-file "$IJ_T/wrong.pw" --check
check_eq "set --check with a password the BMC refuses fails" 1 "$rc"
check "  saying so" grep -q "IPMI check) failed: .*refused" <<<"$err"
check "  and changes nothing" cmp -s "$IJ_T/state.before" /var/lib/ipmi-jumphost/state.json
ssh_as alice power status web01
check_eq "  web01 still answers alice" "web01: on" "$out"
echo "# set --check waits on its BMC on a worker: the bus answers others meanwhile"
sim01=$(cat "$IJ_T/bmc-web01/sim.pid")
kill -STOP "$sim01"  # web01 stops answering: the check waits out its session timeout
"$jumpctl" set web01 --bmc-password-file "$IJ_T/wrong.pw" --check >"$IJ_T/slow.out" 2>"$IJ_T/slow.err" &
slow=$!
# Until the set is on its worker (the daemon then refuses other changes).
for _ in $(seq 1 50); do
  run_as opadmin "$jumpctl" revoke no-such-bmc
  grep -q "another change is running" <<<"$err" && break
  sleep 0.1
done
check "  another change is refused meanwhile, saying why" grep -q "another change is running (an enroll or set with --check" <<<"$err"
ssh_as alice power status web02
check "  alice's power status of web02 is answered meanwhile" grep -Eq "^web02: (on|off)$" <<<"$out"
check "  while the set still waits on web01" kill -0 "$slow"
slow_rc=0
wait "$slow" || slow_rc=$?
kill -CONT "$sim01"
check_eq "  the set fails: web01 did not answer" 1 "$slow_rc"
check "  saying so" grep -q "IPMI check) failed: BMC web01 .* did not answer" "$IJ_T/slow.err"
check "  and changes nothing" cmp -s "$IJ_T/state.before" /var/lib/ipmi-jumphost/state.json
run_as opadmin "$jumpctl" revoke no-such-bmc
check "  and changes are taken again after it" grep -q "no BMC of that name is enrolled" <<<"$err"
ssh_as alice sensors web02
check "alice reads web02's sensors (its SDR is cached)" test -d /var/cache/ipmi-jumphost/sdr/web02
run_as opadmin "$jumpctl" set web02 --owner bob
check_eq "set web02 --owner bob" 0 "$rc"
check_not "  web02's cached SDR is gone with alice's access" test -e /var/cache/ipmi-jumphost/sdr/web02
ssh_as alice power status web02
check_eq "alice lost web02 at once" "you have no BMC named web02" "$err"
ssh_as bob power status web02
check_eq "bob has it" "web02: on" "$out"
check "the change is journaled" grep -q "set web02 owner=alice->bob by=opadmin: done" "$IJ_T/daemon.log"
run_as opadmin "$jumpctl" doctor
# (The BMCs' links are veth stand-ins here, which the doctor rightly names.)
check_eq "the doctor finds nothing wrong after the moves (keys, firewall, users, sshd)" "" \
  "$(grep PROBLEM <<<"$out" | grep -v 'is not VLAN 10[1-4] on eth1')"

run_as opadmin "$jumpctl" set db01 --no-bmc-password
check_eq "set --no-bmc-password" 0 "$rc"
run_as opadmin "$jumpctl" show db01
check "  the password is no longer stored" grep -q "^bmc password: *not stored" <<<"$out"
ssh_as bob power status db01
check_eq "  and bob is asked for it (no terminal here)" \
  "BMC db01 needs its password and there is no terminal to ask it on: use ssh -t" "$err"

! grep -q "pw-web01\|pw-db01\|wrong-pw" "$IJ_T/daemon.log"
check "no BMC password is in the daemon's log" test $? = 0
finish
