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
dir=$IJ_T/bmc-web01
cat > "$dir/chassis" <<SH
#!/bin/sh
case "\$1" in
  get) shift; for n in "\$@"; do if [ "\$n" = power ]; then echo "power:\$(cat $dir/power)"; else echo "\$n:0"; fi; done ;;
  set) shift; while [ \$# -gt 1 ]; do
         [ "\$1" = power ] && { (sleep 2; echo "\$2" > $dir/power) </dev/null >/dev/null 2>&1 & }
         shift 2; done ;;
esac
SH
mkdir -p -m 0711 /var/lib/ipmi-jumphost
workarounds="workarounds=opensesspriv,solchannelsupport,solpayloadsize"
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
# FreeIPMI's own tool against BMC NAME, as the reference (password in a
# file the tool reads, never on its command line).
ref() {
  local name=$1 tool=$2; shift 2
  printf 'username ADMIN\npassword pw-%s\nworkaround-flags opensesspriv\n' "$name" > "$IJ_T/ref-$name.conf"
  "$tool" -h "$(bmc_addr "$name")" --config-file "$IJ_T/ref-$name.conf" -D LAN_2_0 "$@" 2>&1
}
bmc_addr() { case $1 in web01) echo 192.168.101.10 ;; web02) echo 192.168.102.10 ;; db01) echo 192.168.103.10 ;; gone01) echo 192.168.104.10 ;; esac; }

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
ssh_as alice power diag web01
check_eq "power diag (a diagnostic interrupt) is accepted" "web01: ok" "$out"
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
check "  and the cipher suites are listed" grep -q "^web01: cipher suites offered: .*3" <<<"$out"

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
run_as opadmin "$jumpctl" set web02 --owner bob
check_eq "set web02 --owner bob" 0 "$rc"
ssh_as alice power status web02
check_eq "alice lost web02 at once" "you have no BMC named web02" "$err"
ssh_as bob power status web02
check_eq "bob has it" "web02: on" "$out"
check "the change is journaled" grep -q "set web02 owner=alice->bob by=opadmin: done" "$IJ_T/daemon.log"
run_as opadmin "$jumpctl" doctor
check_eq "the doctor finds nothing wrong after the moves" 0 "$rc"

! grep -q "pw-web01\|pw-db01\|wrong-pw" "$IJ_T/daemon.log"
check "no BMC password is in the daemon's log" test $? = 0
finish
