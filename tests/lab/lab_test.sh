#!/bin/bash
# The lab's end-to-end tests: brings the lab up as an operator would
# (tests/lab/up.sh --background), then attacks it through real ssh from this
# machine and from inside a BMC's namespace, and takes it down again.
# Every refusal is asserted by what refuses it (sshd's or the wrapper's
# message), not just by a non-zero exit.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
export IJ_LAB_DIR=${IJ_LAB_DIR:-/tmp/ij-lab-test} IJ_LAB_PORT=${IJ_LAB_PORT:-2299}
lab=$IJ_LAB_DIR
[ "$(id -u)" = 0 ] || { echo "lab_test.sh: needs root; skipped"; exit 77; }
command -v qemu-system-x86_64 >/dev/null && ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no QEMU or kernel; skipped"; exit 77; }

# ok, fail, check and check_not from the end-to-end helpers.
. "$src/tests/e2e/lib.sh"
# has TEXT PATTERN: the text contains the fixed string.
has() { grep -qF -- "$2" <<<"$1"; }
inside() { bash "$src/tests/lab/ctl.sh" "$@"; }

trap 'bash "$src/tests/lab/down.sh" >/dev/null 2>&1' EXIT
bash "$src/tests/lab/up.sh" --background || { echo "FAIL the lab did not come up"; exit 1; }

# LogLevel INFO: the client reports what the server refused.
SSH=(ssh -F "$lab/ssh_config" -o BatchMode=yes -o LogLevel=INFO)
# run USER [ssh options] [-- COMMAND]: sets out, err, rc. Retries while sshd
# is re-executing itself after a reload (the port forward then resets).
run() {
  local o e try; o=$(mktemp) e=$(mktemp)
  for try in 1 2 3 4 5 6 7 8 9 10; do
    rc=0; timeout 60 "${SSH[@]}" "$@" >"$o" 2>"$e" </dev/null || rc=$?
    grep -q -e "Connection reset" -e "Connection refused" -e "kex_exchange_identification" "$e" || break
    sleep 1
  done
  out=$(grep -v "^Warning: Permanently added" "$o") err=$(grep -v "^Warning: Permanently added" "$e"); rm -f "$o" "$e"
}
# sshd's messages, by its syslog identifier (a session's processes are in
# the login's scope, not in ssh.service).
sshd_log_count() { inside sh -c "journalctl -t sshd --no-pager -o cat | grep -c -- '$1'"; }
sorry="Sorry. Only these commands are available to you: power, console, log, bootdev, identify, sel, sensors, list, help"
prohibited="administratively prohibited"

echo "# each tenant reaches their own BMC"
run alice power status
check "alice: power status of web01" test "$out" = "web01: off"
run alice power on
check "alice: power on" test "$out" = "web01: ok"
run alice power status
check "alice: web01 is on" test "$out" = "web01: on"
run bob power status db01
check "bob: power status of db01" test "$out" = "db01: off"
out=$( { sleep 8; printf 'hello lab\r'; sleep 4; printf '&.'; sleep 2; } | timeout 60 "${SSH[@]}" -tt alice console 2>&1)
check "alice: console bytes flow both ways" has "$out" "ECHO: HELLO LAB"
check "alice: &. detaches" has "$out" "[console detached]"

echo "# tunnels: only the own BMC's ports"
# tunnel USER SPEC TARGET-PORT: opens -L 127.0.0.1:PORT:SPEC, reads what comes
# back through it; sets got (the data) and serr (ssh's stderr).
tunnel() {
  local user=$1 spec=$2 lport=$3 e; e=$(mktemp)
  "${SSH[@]}" -N -L "127.0.0.1:$lport:$spec" "$user" 2>"$e" &
  local pid=$!
  for _ in $(seq 1 100); do ss -ltn | grep -q "127.0.0.1:$lport " && break; sleep 0.1; done
  got=$(timeout 10 socat -u "TCP:127.0.0.1:$lport" - 2>/dev/null)
  sleep 0.5; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  serr=$(cat "$e"); rm -f "$e"
}
tunnel alice web01-ipmi:443 18443
check "alice: a tunnel to web01's 443 reaches its web server" has "$got" "https-of-web01"
tunnel alice db01-ipmi:443 18444
check "alice: a tunnel to bob's db01 by name is refused by sshd" has "$serr" "$prohibited"
check "  and carries nothing" test -z "$got"
tunnel alice 192.168.102.10:443 18445
check "alice: a tunnel to db01 by address is refused by sshd" has "$serr" "$prohibited"
tunnel alice 127.0.0.1:22 18446
check "alice: a tunnel to the jumphost itself is refused" has "$serr" "$prohibited"
tunnel alice 10.0.2.15:22 18447
check "alice: a tunnel to the jumphost's own address is refused" has "$serr" "$prohibited"
tunnel alice 10.0.2.2:22 18448
check "alice: a tunnel to an address outside is refused" has "$serr" "$prohibited"
tunnel alice web01-ipmi:8080 18449
check "alice: a tunnel to a port of her own BMC that is not hers is refused" has "$serr" "$prohibited"

echo "# below sshd: the firewall's per-uid rules hold even without sshd's"
# What sshd's session process does for alice's forwards, done directly with
# her uid: only her BMC's ports open.
as() { local user=$1; shift; inside setpriv --reuid "$user" --regid "$(inside id -g "$user")" --clear-groups "$@"; }
check "a process with alice's uid reaches web01's 443" as alice timeout 6 socat -u TCP:192.168.101.10:443,connect-timeout=4 -
check_not "  but not bob's db01 (the firewall drops it)" as alice timeout 6 socat -u TCP:192.168.102.10:443,connect-timeout=4 -
check_not "  nor a port of web01 that is not hers" as alice timeout 6 socat -u TCP:192.168.101.10:8080,connect-timeout=4 -
check_not "  nor the jumphost's own sshd" as alice timeout 6 socat -u TCP:127.0.0.1:22,connect-timeout=4 -
check_not "a local user who is no tenant (nobody) reaches no BMC" as nobody timeout 6 socat -u TCP:192.168.101.10:443,connect-timeout=4 -
check "root (the daemon's uid) does" inside timeout 6 socat -u TCP:192.168.101.10:443,connect-timeout=4 -

echo "# every other escape"
run alice -o ExitOnForwardFailure=yes -N -R 127.0.0.1:19999:127.0.0.1:22
check "-R remote forward refused" has "$err" "remote port forwarding failed"
e=$(mktemp)
"${SSH[@]}" -N -D 127.0.0.1:18450 alice 2>"$e" & pid=$!
for _ in $(seq 1 100); do ss -ltn | grep -q "127.0.0.1:18450 " && break; sleep 0.1; done
got=$(timeout 10 socat -u SOCKS4A:127.0.0.1:db01-ipmi:443,socksport=18450 - 2>/dev/null)
sleep 0.5; kill "$pid"; wait "$pid" 2>/dev/null
check "-D dynamic forward to another BMC refused by sshd" has "$(cat "$e")" "$prohibited"
check "  and carries nothing" test -z "$got"
n=$(sshd_log_count "refused streamlocal port forward")
"${SSH[@]}" -N -L "$lab/fwd.sock:/run/dbus/system_bus_socket" alice 2>"$e" & pid=$!
for _ in $(seq 1 100); do [ -S "$lab/fwd.sock" ] && break; sleep 0.1; done
timeout 5 socat -u "UNIX-CONNECT:$lab/fwd.sock" - </dev/null >/dev/null 2>&1
sleep 0.5; kill "$pid"; wait "$pid" 2>/dev/null
check "stream-local forward to the system bus refused (sshd: refused streamlocal port forward)" \
  test "$(sshd_log_count "refused streamlocal port forward")" -gt "$n"
check "  and the client was told" has "$(cat "$e")" "open failed"
rm -f "$e" "$lab/fwd.sock"
run alice -o Tunnel=point-to-point -w any -o ExitOnForwardFailure=yes list
check "-w tunnel refused" has "$err" "Tunnel forwarding failed"
DISPLAY=:99 run alice -X -o ExitOnForwardFailure=yes list
check "X11 forwarding refused" has "$err" "X11 forwarding request failed"
eval "$(ssh-agent -s)" >/dev/null
n=$(sshd_log_count "agent forwarding disabled")
run alice -A list
check "agent forwarding refused (sshd: agent forwarding disabled)" test "$(sshd_log_count "agent forwarding disabled")" -gt "$n"
kill "$SSH_AGENT_PID" 2>/dev/null
run alice -s sftp
check "the sftp subsystem gets no server" test "$rc" != 0 -a -z "$out"
echo "put" > "$lab/upload.txt"
timeout 60 sftp -F "$lab/ssh_config" -b - alice >/dev/null 2>&1 <<<"put $lab/upload.txt /tmp/uploaded" && fail "sftp worked" || ok "sftp refused"
run alice -- scp -t /tmp
check "legacy scp refused by the wrapper" test "$rc:$err" = "1:$sorry"
out=$( { sleep 6; printf 'id\r'; sleep 3; } | timeout 60 "${SSH[@]}" -tt alice 2>&1)
check "an interactive login gets the help" has "$out" "power [status|on|off|cycle|reset|soft|diag] [--wait] [NAME]"
check_not "and no shell" has "$out" "uid="
for cmd in 'power status; id' 'power $(id)' 'power status | sh' '-h other' 'bash -i'; do
  run alice -- "$cmd"
  check "refused by the wrapper: $cmd" test "$rc:$err:$out" = "1:$sorry:"
done
check_not "nothing ran inside" inside test -e /tmp/pwned

echo "# a hacked BMC"
inside ip -n bmc-web01 link add link p-web01 name p-web01.102 type vlan id 102
inside ip -n bmc-web01 addr add 192.168.102.66/24 dev p-web01.102
inside ip -n bmc-web01 link set p-web01.102 up
check "control: the jumphost reaches db01's 443" inside timeout 6 socat -u TCP:192.168.102.10:443,connect-timeout=4 -
check_not "web01 tagging VLAN 102 cannot reach db01" \
  inside ip netns exec bmc-web01 timeout 6 socat -u TCP:192.168.102.10:443,connect-timeout=4 -
inside ip -n bmc-web01 link del p-web01.102
check "control: sshd answers on the jumphost's BMC-facing address from the jumphost itself" \
  inside sh -c 'timeout 6 socat -u TCP:192.168.101.1:22,connect-timeout=4 - </dev/null | grep -q SSH-2.0'
check_not "a BMC cannot reach the jumphost's sshd (the firewall drops it)" \
  inside sh -c 'ip netns exec bmc-web01 timeout 6 socat -u TCP:192.168.101.1:22,connect-timeout=4 - </dev/null | grep -q SSH-2.0' 
inside ip -n bmc-web01 route add 192.168.102.10/32 dev p-web01
check_not "web01 cannot reach db01 untagged either" \
  inside ip netns exec bmc-web01 timeout 6 socat -u TCP:192.168.102.10:443,connect-timeout=4 -
inside ip -n bmc-web01 route del 192.168.102.10/32 dev p-web01

echo "# enroll and revoke while the lab runs change exactly one tenant's access"
# sshd's settings, the keys and the firewall's rules for alice's and bob's uids.
effective() {
  local a b; a=$(inside id -u alice) b=$(inside id -u bob)
  inside sh -c "sshd -T -C user=alice,host=c,addr=127.0.0.1 | sort; sshd -T -C user=bob,host=c,addr=127.0.0.1 | sort
    cat /etc/ipmi-jumphost/keys/alice /etc/ipmi-jumphost/keys/bob"
  inside nft list set inet ipmi_jumphost tenant_ports | tr -d '\n\t ' | tr ',{}' '\n\n\n' | grep -E "^($a|$b)\."
}
before=$(effective)
check "the firewall has alice's rule for web01's 443" grep -qx "$(inside id -u alice).192.168.101.10.443" <<<"$before"
run carol list
check "carol is not a tenant yet" has "$err" "Permission denied (publickey"
check "the operator enrolls carol's BMC" inside jumpctl enroll web02 --vlan 104 --owner carol --key "$lab/keys/carol.pub" --bmc-ip 192.168.104.10/24
run carol list
check "carol now lists her BMC" has "$out" "web02 (web02-ipmi)"
check "alice's and bob's access did not change" test "$before" = "$(effective)"
check "the operator revokes it" inside jumpctl revoke web02
run carol list
check "carol is refused again" has "$err" "Permission denied (publickey"
check "alice's and bob's access still did not change" test "$before" = "$(effective)"

echo "# jumpctl -H from this machine: the lab's daemon over the lab's sshd (issue 16)"
# An operator account in the VM (jumphost-admin) with a key of its own;
# jumpctl here runs "ssh -xT -p PORT -- ops@127.0.0.1 systemd-stdio-bridge"
# (sd-bus's remote transport), and an ssh first on PATH gives that ssh the
# lab's key and host settings, as an operator's ~/.ssh/config would.
ssh-keygen -q -t ed25519 -N '' -C ops@ij-lab -f "$lab/keys/ops"
check "an operator account ops (jumphost-admin) in the VM" inside sh -c \
  'id ops >/dev/null 2>&1 || useradd -m -s /bin/bash -G jumphost-admin ops; install -d -o ops -m 0700 /home/ops/.ssh;
   printf "%s\n" "$1" > /home/ops/.ssh/authorized_keys; chown ops: /home/ops/.ssh/authorized_keys' sh "$(cat "$lab/keys/ops.pub")"
mkdir -p "$lab/bin"
printf 'Host 127.0.0.1\n  IdentityFile %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n  BatchMode yes\n' \
  "$lab/keys/ops" "$lab/keys/alice" > "$lab/ops_ssh_config"
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$lab/ops_ssh_config" > "$lab/bin/ssh"
chmod +x "$lab/bin/ssh"
jumpctl_here=${BUILD_DIR:-$src/build}/jumpctl
remote() { PATH="$lab/bin:$PATH" timeout 120 "$jumpctl_here" -H "ops@127.0.0.1:$IJ_LAB_PORT" "$@"; }
out=$(remote list 2>&1)
check "jumpctl -H ops@127.0.0.1:$IJ_LAB_PORT list, from this machine" has "$out" "web01"
check_eq "  says what jumpctl list says inside" "$(inside jumpctl list)" "$out"
out=$(remote show web01 --json 2>&1)
check "  show --json" has "$out" '"name": "web01"'
out=$(remote doctor 2>&1)
check "  doctor, the lab's (its findings, through the bridge)" has "$out" "ok       wrapper /usr/bin/ipmi-wrapper is root's and executable"
out=$(remote console db01 --deactivate 2>&1)
check "  console db01 --deactivate (it joins nothing, so it goes through)" has "$out" \
  "console db01: the SOL session that held the BMC's serial console is ended (if one was active)"
out=$(PATH="$lab/bin:$PATH" timeout 120 "$jumpctl_here" -H "alice@127.0.0.1:$IJ_LAB_PORT" list 2>&1)
check "  a tenant logs in but gets no bridge: the wrapper refuses it" has "$out" "Sorry. Only these commands are available to you"
check "  and jumpctl says it cannot reach the daemon there" has "$out" "jumpctl: cannot reach ipmi-jumphostd on alice@127.0.0.1:"

echo "# jumpctl client-config, pasted on this machine"
# The Host block as printed, with the lab's key; the aliases as printed, their
# ssh given the same configuration (a function beats the ssh on PATH).
cc=$(inside jumpctl client-config web01)
check "client-config prints a Host block" has "$cc" "Host ipmi-web01"
key_opts=$(printf '\tIdentityFile %s\n\tIdentitiesOnly yes\n\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n' "$lab/keys/alice")
{ sed -n '/^Host /,/^$/p' <<<"$cc" | sed '/^$/d'; printf '%s\n' "$key_opts"; printf 'Host 127.0.0.1\n%s\n' "$key_opts"; } > "$lab/client_config"
out=$(timeout 60 ssh -F "$lab/client_config" -o BatchMode=yes ipmi-web01 power status 2>/dev/null </dev/null)
check "the Host block: ssh ipmi-web01 power status" grep -qxE "web01: (on|off)" <<<"$out"
aliases=$(grep '^alias ' <<<"$cc")
alias_run() {  # ALIAS [ARGS]: the output of the pasted alias
  timeout 60 bash -O expand_aliases -c "ssh() { command ssh -F '$lab/client_config' -o BatchMode=yes \"\$@\"; }
$aliases
$*" 2>/dev/null </dev/null
}
check_eq "alias web01-power off" "web01: ok" "$(alias_run web01-power off)"
check_eq "alias web01-power (status)" "web01: off" "$(alias_run web01-power)"
check_eq "alias web01-power on" "web01: ok" "$(alias_run web01-power on)"
check_eq "alias web01-power status" "web01: on" "$(alias_run web01-power status)"
alias_run web01-tunnel-443 >/dev/null &
apid=$!
# ssh logs in to the VM's sshd under TCG (seconds) before it listens, and
# a CI run failed once on the 10 s this waited: up to 60 s now, and the
# first connection is tried three times (ssh opens the channel to web01
# only when one comes).
for _ in $(seq 1 600); do ss -ltn | grep -q "127.0.0.1:10443 " && break; sleep 0.1; done
got=
for _ in 1 2 3; do
  got=$(timeout 10 socat -T5 - TCP:127.0.0.1:10443 </dev/null 2>/dev/null)
  has "$got" "https-of-web01" && break
  sleep 1
done
check "alias web01-tunnel-443: web01's 443 at localhost:10443" has "$got" "https-of-web01"
pkill -f "10443:web01-ipmi:443" 2>/dev/null; kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null

echo "--- $checks checks, $failures failed"
[ "$failures" = 0 ] || { echo "--- console:"; tail -50 "$lab/console.log"; exit 1; }
