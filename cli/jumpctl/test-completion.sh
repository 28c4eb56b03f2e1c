#!/bin/bash
# The bash completion of jumpctl (ctest bash_completion): sources it, puts a
# stub `jumpctl` first in PATH that prints a canned `jumpctl list --json`,
# sets COMP_WORDS/COMP_CWORD as bash would, calls the completion function
# and compares COMPREPLY. Given the real jumpctl, it also checks that the
# completion offers exactly the commands of `jumpctl --help` and, for each,
# exactly the options of `jumpctl COMMAND --help`.
#
# usage: test-completion.sh COMPLETION-FILE [JUMPCTL]
set -u
completion=$1
jumpctl_bin=${2:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/files"
touch "$tmp/files/alice.pub" "$tmp/files/alice-old.pub" "$tmp/files/web01.pw"

# What jumpctl prints: nlohmann's dump(2), keys sorted, one key per line.
cat > "$tmp/list.json" <<'JSON'
[
  {
    "bmc_address": "10.254.0.10/30",
    "bmc_password_stored": false,
    "bmc_user": "",
    "enrolled_at": "2026-11-29T10:00:00Z",
    "enrolled_by": "root",
    "host_name": "app01-ipmi",
    "ipmi": {
      "cipher_suite": 3,
      "privilege": "admin",
      "workarounds": []
    },
    "jumphost_address": "10.254.0.9/30",
    "link": "eth1.103",
    "name": "app01",
    "owner": "bob",
    "ports": [
      22,
      443
    ],
    "switch_port": "",
    "vlan": 103
  },
  {
    "bmc_address": "10.254.0.6/30",
    "bmc_password_stored": true,
    "bmc_user": "ADMIN",
    "enrolled_at": "2026-11-29T10:00:00Z",
    "enrolled_by": "opadmin",
    "host_name": "db01-ipmi",
    "ipmi": {
      "cipher_suite": 17,
      "privilege": "operator",
      "workarounds": [
        "opensesspriv"
      ]
    },
    "jumphost_address": "10.254.0.5/30",
    "link": "eth1.102",
    "name": "db01",
    "owner": "bob",
    "ports": [
      443
    ],
    "switch_port": "1/1/8",
    "vlan": 102
  },
  {
    "bmc_address": "10.254.0.2/30",
    "bmc_password_stored": true,
    "bmc_user": "ADMIN",
    "enrolled_at": "2026-11-29T10:00:00Z",
    "enrolled_by": "root",
    "host_name": "web01-ipmi",
    "ipmi": {
      "cipher_suite": 3,
      "privilege": "admin",
      "workarounds": []
    },
    "jumphost_address": "10.254.0.1/30",
    "link": "eth1.101",
    "name": "web01",
    "owner": "alice",
    "ports": [
      22,
      80,
      443,
      5900
    ],
    "switch_port": "1/1/7",
    "vlan": 101
  }
]
JSON

# The stub records how it was called; STUB_DOWN makes it fail as jumpctl
# does without the daemon.
cat > "$tmp/bin/jumpctl" <<STUB
#!/bin/sh
echo "\$*" >> "$tmp/calls"
if [ -n "\${STUB_DOWN:-}" ]; then
  echo "jumpctl: cannot reach ipmi-jumphostd on the system bus: is the service running?" >&2
  exit 1
fi
[ "\$*" = "list --json" ] || { echo "stub jumpctl: unexpected arguments: \$*" >&2; exit 2; }
cat "$tmp/list.json"
STUB
chmod +x "$tmp/bin/jumpctl"
PATH=$tmp/bin:$PATH

failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# shellcheck source=/dev/null
. "$completion" || { echo "FAIL cannot source $completion"; exit 1; }
if [ "$(complete -p jumpctl 2>/dev/null)" = "complete -F _jumpctl jumpctl" ]; then
  ok "the file registers _jumpctl for jumpctl"
else
  fail "the file does not register '-F _jumpctl' for jumpctl: $(complete -p jumpctl 2>&1)"
fi

# complete WORD...: the candidates, sorted, on one line, for the command line
# of those words (as bash splits it: "--vendor=ios" is "--vendor" "=" "ios")
# with the cursor at the end of the last word. Standard error goes to
# $tmp/stderr: a completion must print nothing.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _jumpctl jumpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>>"$tmp/stderr"
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ *$//'
}

# expect WANT WORD...
expect() {
  local want=$1 got
  shift
  got=$(complete_words "$@")
  if [ "$got" = "$want" ]; then
    ok "jumpctl ${*:2}<TAB>: $want"
  else
    fail "jumpctl ${*:2}<TAB>: want '$want', got '$got'"
  fi
}

f=$tmp/files
echo "# commands"
expect "check client-config console console-log consoles doctor enroll help key list power revoke set show switch-config" \
  jumpctl ""
expect "set show switch-config" jumpctl s
expect "--help --host --version -H" jumpctl -
expect "--help --json" jumpctl -H ops@jump2 show web01 --
expect "" jumpctl -H ops@jump2 show ""
expect "add remove" jumpctl key ""
expect "console console-log consoles" jumpctl cons
expect "check client-config console console-log consoles doctor enroll key list power revoke set show switch-config" \
  jumpctl help ""
expect "add remove" jumpctl help key ""

echo "# options and their values"
expect "--bmc-ip --bmc-password-file --bmc-user --check --cipher-suite --console-log --help --ipmi-privilege --ipmi-workarounds --key --owner --ports --switch-port --trunk --vlan" \
  jumpctl enroll web09 --
expect "--bmc-ip --bmc-password-file --bmc-user" jumpctl enroll web09 --vlan 109 --bmc
expect "--help --json" jumpctl show web01 --
expect "--help" jumpctl key add alice --
expect "operator" jumpctl enroll web09 --vlan 109 --ipmi-privilege o
expect "admin operator user" jumpctl enroll web09 --ipmi-privilege = ""
expect "1 11 12 17 2 3 6 7 8" jumpctl enroll web09 --cipher-suite ""
expect "opensesspriv,solchannelsupport opensesspriv,solpacketseq opensesspriv,solpayloadsize opensesspriv,solport opensesspriv,solstatus" \
  jumpctl enroll web09 --ipmi-workarounds opensesspriv,sol
expect "alice bob" jumpctl enroll web09 --owner ""
expect "aoscx ios junos linux procurve" jumpctl switch-config --vendor ""
expect "junos" jumpctl switch-config --vendor = j
expect "--vendor=junos" jumpctl switch-config --vendor=j
expect "" jumpctl enroll web09 --vlan ""
expect "always attached off" jumpctl enroll web09 --console-log ""
expect "attached" jumpctl enroll web09 --bmc-user ADMIN --console-log at
expect "--console-log=off" jumpctl enroll web09 --console-log=o
expect "--deactivate --force --help --read-only" jumpctl console web01 --
expect "--help" jumpctl console web01 --read-only --
expect "--help" jumpctl console web01 --deactivate --
expect "--help" jumpctl console --force web01 --
expect "--help --json" jumpctl consoles --
expect "--help --lines" jumpctl console-log web01 --
expect "" jumpctl console-log web01 --lines ""
expect "--bmc-password-file --bmc-user --check --cipher-suite --console-log --help --ipmi-privilege --ipmi-workarounds --no-bmc-password --no-ipmi-workarounds --no-switch-port --owner --ports --switch-port" \
  jumpctl set web01 --
expect "--bmc-ip --bmc-password-file --bmc-user" jumpctl enroll web09 --check --bmc
expect "admin operator user" jumpctl set web01 --check --ipmi-privilege ""
expect "--help --json --status" jumpctl list --
expect "--json" jumpctl list --status --j
expect "--all --fanout --help --json --owner --wait" jumpctl power cycle --
expect "" jumpctl power cycle --fanout ""
expect "alice bob" jumpctl power on --owner ""
expect "--help --json" jumpctl check web01 --

echo "# BMC names and tenants, from jumpctl list --json"
expect "app01 db01 web01" jumpctl show ""
expect "web01" jumpctl show w
expect "" jumpctl show web01 ""
expect "app01 db01 web01" jumpctl revoke ""
expect "app01 db01 web01" jumpctl client-config ""
expect "app01 db01 web01" jumpctl console ""
expect "web01" jumpctl console --read-only w
expect "" jumpctl console web01 ""
expect "app01 db01 web01" jumpctl console-log ""
expect "app01 db01 web01" jumpctl console-log --lines 500 ""
expect "" jumpctl consoles ""
expect "app01 db01 web01" jumpctl revoke -- ""
expect "app01 db01" jumpctl switch-config --vendor ios web01 ""
expect "alice bob" jumpctl key add ""
expect "alice bob" jumpctl key remove ""
expect "" jumpctl list ""
expect "app01 db01 web01" jumpctl set ""
expect "" jumpctl set web01 --owner bob ""
expect "app01 db01 web01" jumpctl check ""
expect "cycle diag off on reset soft status" jumpctl power ""
expect "app01 db01 web01" jumpctl power cycle ""
expect "app01 web01" jumpctl power cycle db01 ""
expect "web01" jumpctl power status --wait --fanout 8 w
expect "" jumpctl power status --all ""
expect "" jumpctl power status --owner alice ""

echo "# file names"
expect "$f/alice-old.pub $f/alice.pub" jumpctl key add alice "$f/a"
expect "" jumpctl key add alice "$f/alice.pub" ""
expect "$f/alice-old.pub $f/alice.pub" jumpctl enroll web09 --vlan 109 --key "$f/a"
expect "$f/web01.pw" jumpctl enroll web09 --bmc-user ADMIN --bmc-password-file "$f/w"

echo "# without the daemon: no names, and nothing on the terminal"
export STUB_DOWN=1
expect "" jumpctl show ""
expect "" jumpctl key add ""
unset STUB_DOWN
if [ -s "$tmp/stderr" ]; then
  fail "the completion printed on standard error:"
  sed 's/^/     /' "$tmp/stderr"
else
  ok "the completion printed nothing on standard error"
fi
if [ "$(sort -u "$tmp/calls")" = "list --json" ]; then
  ok "the completion ran only 'jumpctl list --json'"
else
  fail "the completion ran jumpctl as: $(sort -u "$tmp/calls" | tr '\n' ';')"
fi

# The completion and the real jumpctl agree on commands and options.
if [ -n "$jumpctl_bin" ]; then
  echo "# the same commands and options as $jumpctl_bin --help"
  usage=$("$jumpctl_bin" --help) || fail "$jumpctl_bin --help failed"
  commands=$(printf '%s\n' "$usage" | sed -n 's/^  jumpctl \(key [a-z]*\|[a-z][-a-z]*\).*/\1/p')
  want=$(printf '%s\n' "$commands" | sed 's/ .*//' | sort -u | tr '\n' ' ' | sed 's/ *$//')
  expect "$want" jumpctl ""
  while read -r cmd; do
    case $cmd in help | "") continue ;; esac
    # $cmd unquoted: "key add" is two words.
    help=$("$jumpctl_bin" $cmd --help) || { fail "$jumpctl_bin $cmd --help failed"; continue; }
    want=$( (printf '%s\n' "$help" | sed -n 's/^  \(--[a-z][-a-z]*\).*/\1/p'; echo --help) | sort -u | tr '\n' ' ' |
      sed 's/ *$//')
    expect "$want" jumpctl $cmd --
  done <<< "$commands"
fi

echo "$checks check(s), $failures failed"
[ "$failures" -eq 0 ]
