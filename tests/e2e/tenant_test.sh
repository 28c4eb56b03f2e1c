#!/bin/bash
# Tenants through the real path: ssh → sshd (with the daemon's keys and
# drop-in) → ipmi-wrapper → D-Bus → ipmi-jumphostd → FreeIPMI → ipmi_sim.
# Runs inside run-sandbox.sh.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"

jumpctl=$IJ_BIN/jumpctl
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
public_host = jump.test
CONF
keys=$IJ_T/keys
mkdir -m 0755 "$keys"
for k in alice bob; do ssh-keygen -q -t ed25519 -N '' -C "$k@e2e" -f "$keys/$k"; done
chmod 0644 "$keys"/*.pub
printf 'pw-web01\n' > "$keys/web01.pw"
printf 'pw-db01\n' > "$keys/db01.pw"
chmod 0644 "$keys"/*.pw

# Consoles held while attached here (the memory check below counts the
# password's copies with no SOL session open); console_test.sh has `always`.
cat >> /etc/ipmi-jumphost/jumphost.conf <<CONF
switch_trunk_port = eth1-peer
switch_bridge = sw
console_log = attached
console_log_dir = $IJ_T/console-logs
CONF
start_switch
start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
start_bmc db01 102 192.168.102.10/24 192.168.102.1/24 pw-db01
start_bmc app01 103 192.168.103.10/24 192.168.103.1/24 pw-app01  # its password is not stored
have_8021q && start_bmc bad01 104 192.168.104.10/24 192.168.104.1/24 pw-bad01  # enroll --check refuses a wrong password

start_daemon
useradd -M -G jumphost-admin opadmin
workarounds=opensesspriv,solchannelsupport,solpayloadsize
if have_8021q; then
  for b in "web01 101 alice" "db01 102 bob" "app01 103 bob"; do
    set -- $b
    pw=(--bmc-password-file "$keys/$1.pw")
    [ "$1" = app01 ] && pw=()
    key=(--key "$keys/$3.pub")
    [ "$1" = app01 ] && key=()
    run_as opadmin "$jumpctl" enroll "$1" --vlan "$2" --owner "$3" "${key[@]}" --bmc-ip "192.168.$2.10/24" \
      --bmc-user ADMIN "${pw[@]}" --ipmi-workarounds "$workarounds" --switch-port "sw-$1"
    check_eq "enroll $1" 0 "$rc"
  done
  apply_switch_config
  run_as opadmin "$jumpctl" check web01
  check "jumpctl check: an IPMI session through web01's VLAN" \
    grep -q "^web01: the BMC takes the credentials (IPMI 2.0" <<<"$out"
  echo "# enroll --check with a password the BMC refuses keeps nothing"
  # Its switch port is in VLAN 104 already, as an operator sets a port up
  # when cabling (switch-config prints only enrolled BMCs' ports).
  bridge vlan del dev sw-bad01 vid 1
  bridge vlan add dev sw-bad01 vid 104 pvid untagged
  bridge vlan add dev eth1-peer vid 104
  printf 'not-the-password\n' > "$keys/bad01.pw"
  cp /var/lib/ipmi-jumphost/state.json "$IJ_T/state.before-bad01"
  run_as opadmin "$jumpctl" enroll bad01 --vlan 104 --owner carol --bmc-ip 192.168.104.10/24 --bmc-user ADMIN \
    --bmc-password-file "$keys/bad01.pw" --ipmi-workarounds "$workarounds" --check
  check_eq "it fails at the check, through the link it made" \
    "1:jumpctl: enroll bad01: step 2/7 (IPMI check) failed: BMC bad01 (192.168.104.10) refused the IPMI user name or password; the earlier steps were undone" \
    "$rc:$(tail -1 <<<"$err")"
  check_not "  the link is gone again" ip link show eth1.104
  check_not "  no user carol" getent passwd carol
  check "  the state is as it was" cmp -s "$IJ_T/state.before-bad01" /var/lib/ipmi-jumphost/state.json
  printf 'pw-bad01\n' > "$keys/bad01.pw"
  run_as opadmin "$jumpctl" enroll bad01 --vlan 104 --owner carol --bmc-ip 192.168.104.10/24 --bmc-user ADMIN \
    --bmc-password-file "$keys/bad01.pw" --ipmi-workarounds "$workarounds" --check
  check_eq "with the right password it is enrolled" 0 "$rc"
  check "  and the BMC's answer is printed" grep -q "^bad01: cipher suites offered: 0 1 2 3" <<<"$out"
  run_as opadmin "$jumpctl" revoke bad01
  check_eq "  (revoked again)" 0 "$rc"
  bridge vlan del dev eth1-peer vid 104
  check "the bridge has web01's port untagged in VLAN 101 only" \
    test "$(bridge -j vlan show dev sw-web01 | grep -o '"vlan":[0-9]*' | tr '\n' ' ')" = '"vlan":101 '
  check "the trunk port carries every BMC VLAN tagged" \
    test "$(bridge -j vlan show dev eth1-peer | grep -o '"vlan":[0-9]*' | tr '\n' ' ')" = '"vlan":101 "vlan":102 "vlan":103 '
  echo "# a hacked BMC: tagging frames with another BMC's VLAN reaches nothing"
  # reaches [NS] ADDR PORT: a TCP connection gets the listener's greeting.
  reaches() {
    local ns=()
    [ $# = 3 ] && { ns=(ip netns exec "$1"); shift; }
    [ -n "$("${ns[@]}" timeout 6 socat -u "TCP:$1:$2,connect-timeout=4" - 2>/dev/null </dev/null)" ]
  }
  for vid in 101 102; do
    socat "TCP-LISTEN:8080,bind=192.168.$vid.1,reuseaddr,fork" SYSTEM:"echo jumphost-$vid" 2>/dev/null &
  done
  sleep 0.5
  # The firewall's drop counter for what BMCs start toward the jumphost: it
  # shows whether a frame got as far as the jumphost at all.
  # The drop counter of what BMC links start (the input chain has another
  # for the trunk's untagged traffic).
  drops() { nft list chain inet ipmi_jumphost input | awk '/iifname @bmc_links counter/ {for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1)}'; }
  check "control: the jumphost reaches db01's port 443" reaches 192.168.102.10 443
  check "control: the listener on the jumphost's VLAN 101 address answers the jumphost" reaches 192.168.101.1 8080
  before_drops=$(drops)
  check_not "a BMC cannot connect to the jumphost (the firewall drops what a BMC starts)" reaches bmc-web01 192.168.101.1 8080
  check "  and the firewall's drop counter saw it" test "$(drops)" -gt "$before_drops"
  before_drops=$(drops)
  check_not "control: db01's connection to the jumphost in VLAN 102 is dropped too" reaches bmc-db01 192.168.102.1 8080
  check "  after reaching the jumphost (the counter moved)" test "$(drops)" -gt "$before_drops"
  rpf() { nstat -az TcpExtIPReversePathFilter | awk '/IPReversePathFilter/ {print $2}'; }
  before_rpf=$(rpf)
  ip -n bmc-web01 addr add 192.168.102.77/32 dev p-web01
  ip netns exec bmc-web01 socat -u - UDP-SENDTO:192.168.101.1:9,bind=192.168.102.77 <<<"spoofed" 2>/dev/null
  sleep 0.5
  check "a source spoofed from another BMC's subnet is dropped by reverse-path filtering" test "$(rpf)" -gt "$before_rpf"
  ip -n bmc-web01 addr del 192.168.102.77/32 dev p-web01
  check "eth1.101 has no IPv6" test "$(cat /proc/sys/net/ipv6/conf/eth1.101/disable_ipv6)" = 1
  # A hacked BMC advertising itself as a router (radvd), with a control: the
  # same advertisements reach an unhardened veth, which takes the route.
  cat > "$IJ_T/radvd.conf" <<RA
interface p-web01 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvDefaultLifetime 1800;
  prefix 2001:db8:66::/64 { AdvOnLink on; AdvAutonomous on; }; };
interface p-ctl { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvDefaultLifetime 1800;
  prefix 2001:db8:67::/64 { AdvOnLink on; AdvAutonomous on; }; };
RA
  routes_before=$(ip -6 route show)
  ip link add ctl0 type veth peer name p-ctl netns bmc-web01
  ip link set ctl0 up
  ip -n bmc-web01 link set p-ctl up
  sleep 2  # p-web01 and p-ctl need their link-local addresses first
  ip netns exec bmc-web01 radvd -C "$IJ_T/radvd.conf" -n -p "$IJ_T/radvd.pid" -m logfile -l "$IJ_T/radvd.log" &
  radvd_pid=$!
  for _ in $(seq 1 100); do ip -6 route show dev ctl0 | grep -q "^default" && break; sleep 0.1; done
  check "control: an unhardened link takes the BMC's advertised default route" grep -q "^default" <(ip -6 route show dev ctl0)
  check_eq "the jumphost's IPv6 routes are unchanged by the BMC's advertisements" \
    "$routes_before" "$(ip -6 route show | grep -v ctl0)"
  check_not "  and eth1.101 has no IPv6 address" grep -q inet6 <(ip -6 addr show dev eth1.101)
  kill "$radvd_pid"; wait "$radvd_pid" 2>/dev/null
  ip link del ctl0
  ip -n bmc-web01 link add link p-web01 name p-web01.102 type vlan id 102
  ip -n bmc-web01 addr add 192.168.102.66/24 dev p-web01.102
  ip -n bmc-web01 link set p-web01.102 up
  check_not "web01 tagging VLAN 102 cannot reach db01" reaches bmc-web01 192.168.102.10 443
  before_drops=$(drops)
  check_not "nor the jumphost's address in VLAN 102" reaches bmc-web01 192.168.102.1 8080
  check_eq "  its frames never got to the jumphost (the switch dropped them; the counter stayed)" "$before_drops" "$(drops)"
  ip -n bmc-web01 link del p-web01.102
else
  # No 802.1Q here: the enrollments go into the state and the veths made by
  # start_bmc stand in for the VLAN links the kernel cannot make.
  stop_daemon
  # The daemon's own serializer writes the state (tests/tools/seed_state.cc).
  enrollment() {  # NAME VID OWNER PASSWORD
    echo "bmc $1 $2 $3 192.168.$2.10/24 bmc_user=ADMIN bmc_password=$4 enrolled_at=2026-11-25T12:00:00Z" \
      "workarounds=opensesspriv,solchannelsupport,solpayloadsize"
  }
  {
    enrollment web01 101 alice pw-web01
    enrollment db01 102 bob pw-db01
    enrollment app01 103 bob ""
    echo "tenant alice $(cat "$keys/alice.pub")"
    echo "tenant bob $(cat "$keys/bob.pub")"
  } | "${IJ_SEED_STATE:-$IJ_BIN/tests/ij-seed-state}" /var/lib/ipmi-jumphost/state.json || exit 1
  start_daemon
fi

ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
# ssh_as USER [ssh options...] -- COMMAND: sets $out, $err, $rc.
ssh_as() {
  local user=$1; shift
  local o e
  o=$(mktemp) e=$(mktemp)
  rc=0
  ssh "${ssh_opts[@]}" -i "$keys/$user" "$@" >"$o" 2>"$e" || rc=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}

# converse USER REMOTE-COMMAND [WAIT-FOR SEND]...: runs REMOTE-COMMAND over
# ssh -tt and answers like a person at the terminal: waits (up to 60 s) until
# the output shows WAIT-FOR, then types SEND (printf escapes). Sets $out
# (everything the terminal showed) and $rc.
converse() {
  local user=$1 remote=$2; shift 2
  coproc CONV { ssh "${ssh_opts[@]}" -i "$keys/$user" -tt "$user@127.0.0.1" "$remote" 2>&1; }
  # Own copies of the coprocess's pipes: bash closes CONV's when the
  # coprocess exits, which would lose output not read yet.
  local from to pid=$CONV_PID c
  exec {from}<&"${CONV[0]}" {to}>&"${CONV[1]}"
  out=""
  while [ $# -ge 2 ]; do
    local deadline=$((SECONDS + 60))
    while [[ "$out" != *"$1"* ]] && [ $SECONDS -lt $deadline ]; do
      IFS= read -r -t 1 -n 1 -u "$from" c && out+=${c:-$'\n'}
    done
    printf "$2" >&"$to"
    shift 2
  done
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ] && IFS= read -r -t 60 -n 1 -u "$from" c; do out+=${c:-$'\n'}; done
  kill "$pid" 2>/dev/null  # still there after a minute: the check that follows fails, not hangs
  rc=0
  wait "$pid" || rc=$?
  exec {from}<&- {to}>&-
}

echo "# power"
ssh_as alice "alice@127.0.0.1" power status </dev/null
check_eq "power status (the tenant's only BMC)" "web01: off" "$out"
ssh_as alice "alice@127.0.0.1" power on web01 </dev/null
check_eq "power on" "web01: ok" "$out"
check_eq "the simulator's chassis is on" 1 "$(bmc_power_file web01)"
check "FreeIPMI's ipmi-power agrees" grep -q ': on' <(ipmi-power -h 192.168.101.10 -u ADMIN -p pw-web01 -W "$workarounds" --stat)
ssh_as alice "alice@127.0.0.1" power status </dev/null
check_eq "power status after on" "web01: on" "$out"
ssh_as alice "alice@127.0.0.1" power off </dev/null
check_eq "power off" "web01: ok" "$out"
check_eq "the simulator's chassis is off" 0 "$(bmc_power_file web01)"
check "the power action is logged with who" grep -q "power on web01 by=alice: web01: ok" "$IJ_T/daemon.log"

echo "# only their own BMC"
ssh_as alice "alice@127.0.0.1" power on db01 </dev/null
check_eq "another tenant's BMC: refused" "1:you have no BMC named db01" "$rc:$err"
check_eq "db01 stayed off" 0 "$(bmc_power_file db01)"
ssh_as alice "alice@127.0.0.1" console db01 </dev/null
check_eq "another tenant's console: refused" "1:you have no BMC named db01" "$rc:$err"
ssh_as bob "bob@127.0.0.1" power status db01 </dev/null
check_eq "bob sees his own" "db01: off" "$out"
ssh_as bob "bob@127.0.0.1" power status </dev/null
check_eq "with two BMCs the name is needed" "1:you have several BMCs, name one: app01 db01" "$rc:$err"

echo "# a BMC whose password the operator did not store"
converse bob "power on app01" "IPMI password for app01:" 'pw-app01\r'
check "the wrapper asks for the password" grep -q "IPMI password for app01:" <<<"$out"
check_not "without echoing it" grep -q "pw-app01" <<<"$out"
check "and the power action works with it" grep -q "app01: ok" <<<"$out"
check_eq "the simulator's chassis is on" 1 "$(bmc_power_file app01)"
ssh_as bob "bob@127.0.0.1" power status app01 </dev/null
check_eq "without a terminal to ask on, a clear error" "1:BMC app01 needs its password and there is no terminal to ask it on: use ssh -t" "$rc:$err"
converse bob "power status app01" "IPMI password for app01:" 'wrong\r' 
check "a wrong password is refused" grep -q "BMC app01 (192.168.103.10) refused the IPMI user name or password" <<<"$out"

echo "# anything else is refused before anything runs"
sorry="Sorry. Only these commands are available to you: power, console, log, bootdev, identify, sel, sensors, list, help"
before=$(grep -c "by=alice" "$IJ_T/daemon.log")
for cmd in "power status; touch /tmp/pwned" 'power $(touch /tmp/pwned)' "power status web01 | touch /tmp/pwned" \
    "power status && touch /tmp/pwned" "-h other" "power -h other" "power status web01 extra" "POWER status" \
    "bash" "sh -c id" "internal-sftp" "/usr/lib/openssh/sftp-server" "scp -t /tmp" "power \`id\`" \
    "power status ../../etc" "power status web*" "$(printf 'power\001status')" "$(printf 'power status\nid')" \
    "list all" "help me" "$(head -c 300 /dev/zero | tr '\0' a)"; do
  ssh_as alice -- "alice@127.0.0.1" "$cmd" </dev/null
  if [ "$rc:$err" = "1:$sorry" ] && [ -z "$out" ]; then ok "refused: $(printf %q "$cmd" | head -c 60)"; else fail "not refused: $(printf %q "$cmd"): rc=$rc out=$out err=$err"; fi
done
check_not "nothing ran" test -e /tmp/pwned
check_eq "the daemon was not even asked" "$before" "$(grep -c "by=alice" "$IJ_T/daemon.log")"
ssh_as alice -t "alice@127.0.0.1" </dev/null
check "an interactive login gets the help, no shell" grep -q "power \[status|on|off|cycle|reset|soft|diag\] \[--wait\] \[NAME\]" <<<"$out"
ssh_as alice "alice@127.0.0.1" sftp </dev/null
check_eq "sftp refused" "1:$sorry" "$rc:$err"
ssh_as alice -s "alice@127.0.0.1" sftp </dev/null
# sshd does not pass a subsystem's stderr back; the refusal shows in the exit status.
check_eq "the sftp subsystem refused" "1:" "$rc:$out"

echo "# list"
ssh_as alice "alice@127.0.0.1" list </dev/null
check "list names the BMC" grep -q "^web01 (web01-ipmi)" <<<"$out"
check "list gives the tunnel command" grep -qF "ssh -N -L 10443:web01-ipmi:443 alice@jump.test" <<<"$out"
check_not "list shows nobody else's BMC" grep -q db01 <<<"$out"

echo "# console"
converse alice console "attached" 'hello\r' "ECHO: HELLO" '&.'
check "console attaches" grep -q "console of web01 attached" <<<"$out"
check "bytes flow both ways (the host echoes what the tenant typed)" grep -q "ECHO: HELLO" <<<"$out"
check "&. detaches" grep -q "console detached" <<<"$out"
check_eq "exit 0 after detaching" 0 "$rc"
check "attach and detach are logged" grep -q "console web01 detach by=alice" "$IJ_T/daemon.log"
converse alice "console web01" "connected]" '&B' "break sent by alice" '&?' "&. detach" '&.'
check "&B sends a break through the daemon to the SOL session" grep -q "console web01 break by=alice" "$IJ_T/daemon.log"
check "&? shows the escapes" grep -qF "&. detach, &B send a break, &F take the keyboard" <<<"$out"
attaches=$(grep -c "console web01 attach by=alice: done" "$IJ_T/daemon.log")
ssh "${ssh_opts[@]}" -i "$keys/alice" -tt alice@127.0.0.1 console web01 < <(sleep 600) >/dev/null 2>&1 &
first=$!
for i in $(seq 1 600); do
  [ "$(grep -c "console web01 attach by=alice: done" "$IJ_T/daemon.log")" -gt "$attaches" ] && break
  sleep 0.1
done
ssh_as alice "alice@127.0.0.1" console web01 < <(sleep 3)
check "a second attach joins read-only, and is told who has the keyboard" \
  grep -qF "[console web01: read-only; alice has the keyboard (&F takes it)]" <<<"$out"
kill "$first"; wait "$first" 2>/dev/null

echo "# tunnels"
ssh "${ssh_opts[@]}" -i "$keys/alice" -o ExitOnForwardFailure=yes -N \
  -L 18443:web01-ipmi:443 -L 18444:db01-ipmi:443 -L 18445:192.168.102.10:443 alice@127.0.0.1 &
tunnel=$!
for i in $(seq 1 50); do ss -ltn | grep -q ':18443 ' && break; sleep 0.1; done
check "a tunnel to the tenant's own BMC's 443" grep -q "^https-of-web01" <(timeout 5 socat -u TCP:127.0.0.1:18443 - 2>/dev/null)
check_eq "a tunnel to another tenant's BMC by name gets nothing" "" "$(timeout 5 socat -u TCP:127.0.0.1:18444 - 2>/dev/null)"
check_eq "a tunnel to another tenant's BMC by address gets nothing" "" "$(timeout 5 socat -u TCP:127.0.0.1:18445 - 2>/dev/null)"
kill "$tunnel"; wait "$tunnel" 2>/dev/null

echo "# a revoke ends what is live: an open tunnel carrying data and the console (issue 13)"
# bob keeps app01, so his user and his ssh sessions stay; what reaches db01 must not.
ssh "${ssh_opts[@]}" -i "$keys/bob" -o ExitOnForwardFailure=yes -N -L 18590:db01-ipmi:5900 bob@127.0.0.1 &
stream_tunnel=$!
for i in $(seq 1 50); do ss -ltn | grep -q ':18590 ' && break; sleep 0.1; done
socat -u TCP:127.0.0.1:18590 - > "$IJ_T/stream" 2>/dev/null &
stream=$!
for i in $(seq 1 50); do [ -s "$IJ_T/stream" ] && break; sleep 0.1; done
check "the tunnel to db01's 5900 carries data" grep -q tick "$IJ_T/stream"
# The revoke comes while bob's console of db01 is attached.
( for i in $(seq 1 600); do grep -q "console db01 attach by=bob: done" "$IJ_T/daemon.log" && break; sleep 0.1; done
  run_as opadmin "$jumpctl" revoke db01; echo "$rc" > "$IJ_T/revoke.rc" ) &
revoker=$!
converse bob "console db01" "attached" ""
wait "$revoker"
check_eq "revoke db01" 0 "$(cat "$IJ_T/revoke.rc")"
check "the console is told why it ends" grep -qF "[console db01: the BMC was revoked]" <<<"$out"
check "and ends" grep -qF "[console closed by the jumphost]" <<<"$out"
gone=no
for i in $(seq 1 50); do kill -0 "$stream" 2>/dev/null || { gone=yes; break; }; sleep 0.1; done
check_eq "the open tunnel's connection is closed at once (the client's end sees it)" yes "$gone"
check_eq "no connection to db01's address is left on the jumphost" "" "$(ss -Htn dst 192.168.102.10)"
size=$(stat -c %s "$IJ_T/stream"); sleep 1
check_eq "  and no data arrives after it" "$size" "$(stat -c %s "$IJ_T/stream")"
check "bob is still a tenant (he keeps app01)" getent passwd bob
kill "$stream" "$stream_tunnel" 2>/dev/null; wait "$stream" "$stream_tunnel" 2>/dev/null
if have_8021q; then
  echo "# a revoked BMC's switch port is shut down, not left in its VLAN"
  apply_switch_config
  check "sw-db01 is down" grep -q "state DOWN" <(ip link show sw-db01)
  check_not "and in no VLAN 102" grep -q '"vlan":102' <(bridge -j vlan show dev sw-db01)
  check_not "the trunk no longer carries VLAN 102" grep -q '"vlan":102' <(bridge -j vlan show dev eth1-peer)
fi

echo "# a key removal ends the user's sessions (issue 13)"
ssh "${ssh_opts[@]}" -i "$keys/alice" -N alice@127.0.0.1 &
alice_session=$!
for i in $(seq 1 50); do pgrep -u alice sshd >/dev/null && break; sleep 0.1; done
check "alice has a session" pgrep -u alice sshd
run_as opadmin "$jumpctl" key add alice "$keys/bob.pub"
check_eq "key add" 0 "$rc"
run_as opadmin "$jumpctl" key remove alice "$(ssh-keygen -lf "$keys/bob.pub" | cut -d' ' -f2)"
check_eq "key remove" 0 "$rc"
ended=no
for i in $(seq 1 50); do kill -0 "$alice_session" 2>/dev/null || { ended=yes; break; }; sleep 0.1; done
check_eq "  ended alice's open session" yes "$ended"
kill "$alice_session" 2>/dev/null; wait "$alice_session" 2>/dev/null
ssh_as alice "alice@127.0.0.1" list </dev/null
check_eq "  and her remaining key still logs her in" 0 "$rc"

echo "# a stored BMC password is in the daemon's memory once, freed copies wiped (issue 13)"
# Enrolling, reading the state, every rewrite of it (the key changes above)
# and every IPMI session copy the password; only the Secret may keep it, and
# a console session's context (libipmiconsole's, on the heap) while its
# engine has not closed it, which may be later than the detach: the scan
# waits for those to go, and what malloc frees is overwritten (M_PERTURB).
for i in $(seq 1 120); do [ "$("$IJ_BIN/tests/ij-scan-mem" "$daemon_pid" pw-web01 2>/dev/null)" = 1 ] && break; sleep 0.25; done
check_eq "  web01's: one copy in the daemon's memory" 1 "$("$IJ_BIN/tests/ij-scan-mem" "$daemon_pid" pw-web01)"
# After a revoke the engine's clean close goes to a BMC whose link is gone:
# it gives up after the session timeout, then frees its context.
for i in $(seq 1 120); do [ "$("$IJ_BIN/tests/ij-scan-mem" "$daemon_pid" pw-db01 2>/dev/null)" = 0 ] && break; sleep 0.25; done
echo "     (db01's console context freed after $((i / 4)) s)"
check_eq "  revoked db01's: none left in the daemon's memory" 0 "$("$IJ_BIN/tests/ij-scan-mem" "$daemon_pid" pw-db01)"
check_eq "  a password bob typed: none left" 0 "$(IJ_SCAN_DUMP=1 "$IJ_BIN/tests/ij-scan-mem" "$daemon_pid" pw-app01)"

check_not "no BMC password ever reaches the log" grep -E -q "pw-(web01|db01|app01)|wrong" "$IJ_T/daemon.log"
check_not "nor a command line" grep -a -q "pw-" /proc/[0-9]*/cmdline

echo "# an unreachable BMC"
stop_bmc_sim web01
start=$(date +%s)
ssh_as alice "alice@127.0.0.1" power status </dev/null
took=$(( $(date +%s) - start ))
check "a stopped BMC gives the timeout message" grep -q "BMC web01 (192.168.101.10) did not answer within 8 s" <<<"$err"
echo "     (answered in $took s)"
check_eq "and exit 1" 1 "$rc"

finish
