# A simulated BMC for the end-to-end tests, sourced after lib.sh:
# OpenIPMI's ipmi_sim in its own network namespace, with a chassis whose
# power state is a file, a "host serial port" (a small TCP server that greets
# and echoes lines back in upper case) behind its SOL, and an HTTPS-port
# stand-in on 443.
#
# On a kernel with 802.1Q the seed's network is built for real: a bridge
# "sw" plays the switch, the trunk's far end (eth1-peer) is its port toward
# the jumphost and each BMC hangs off its own port sw-NAME, untagged.
# The bridge forwards nothing useful until it is configured with the output
# of `jumpctl switch-config --vendor linux` (apply_switch_config). Without
# 802.1Q a veth gives the jumphost a stand-in for its VLAN link.

# IJ_BMC_VETH=1: the veth stand-in even where the kernel has 802.1Q (a test
# about something else than the VLANs, with a seeded state).
bmc_vlans() { [ -z "${IJ_BMC_VETH:-}" ] && have_8021q; }

start_switch() {
  bmc_vlans || return 0
  ip link add sw type bridge || { fail "cannot make the bridge that plays the switch"; return 1; }
  ip link set eth1-peer master sw
  ip link set sw up
}

# Runs what jumpctl switch-config prints for the Linux bridge, as root.
apply_switch_config() {
  bmc_vlans || return 0
  run_as root "$IJ_BIN/jumpctl" switch-config --vendor linux
  [ "$rc" = 0 ] || { fail "jumpctl switch-config: $err"; return 1; }
  printf '%s\n' "$out" > "$IJ_T/switch-config.sh"
  sh -e "$IJ_T/switch-config.sh" || fail "the switch configuration did not apply"
}

# start_bmc NAME VID BMC-ADDR/PREFIX JUMPHOST-ADDR/PREFIX PASSWORD
start_bmc() {
  local name=$1 vid=$2 addr=$3 jh=$4 password=$5
  local dir=$IJ_T/bmc-$name ns=bmc-$name
  mkdir -p "$dir/state"
  echo 0 > "$dir/power"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  if bmc_vlans; then
    ip link add "sw-$name" type veth peer name "p-$name"
    ip link set "sw-$name" master sw
    ip link set "sw-$name" up
    ip link set "p-$name" netns "$ns"
    ip -n "$ns" addr add "$addr" dev "p-$name"
    ip -n "$ns" link set "p-$name" up
  else
    # Named as the VLAN link would be, so the firewall's rules for BMC links
    # (by name) apply to it as to the real one.
    ip link add "eth1.$vid" type veth peer name "p-$name"
    ip link set "p-$name" netns "$ns"
    ip addr add "$jh" dev "eth1.$vid"
    ip link set "eth1.$vid" up
    ip -n "$ns" addr add "$addr" dev "p-$name"
    ip -n "$ns" link set "p-$name" up
  fi
  cat > "$dir/chassis" <<SH
#!/bin/sh
# ipmi_sim's chassis_control program: "get NAME..." prints NAME:VALUE, "set NAME VALUE...".
case "\$1" in
  get) shift; for n in "\$@"; do if [ "\$n" = power ]; then echo "power:\$(cat $dir/power)"; else echo "\$n:0"; fi; done ;;
  set) shift; while [ \$# -gt 1 ]; do [ "\$1" = power ] && echo "\$2" > $dir/power; shift 2; done ;;
esac
SH
  : > "$dir/feed"
  cat > "$dir/serial" <<SH
#!/bin/bash
# The host's serial port: a greeting, then each line (ended by CR) echoed
# back in upper case and kept in typed; what the test appends to feed is
# printed (boot messages, a panic), as a host would print it.
printf 'host-serial ready\r\n'
tail -n0 -F "$dir/feed" 2>/dev/null | while IFS= read -r l; do printf '%s\r\n' "\$l"; done &
feeder=\$!
while IFS= read -r -d \$'\r' line || [ -n "\$line" ]; do
  printf '%s\n' "\$line" >> "$dir/typed"
  printf 'ECHO: %s\r\n' "\${line^^}"
done
kill \$feeder 2>/dev/null
SH
  chmod +x "$dir/chassis" "$dir/serial"
  cat > "$dir/lan.conf" <<CONF
name "$name"
set_working_mc 0x20
  startlan 1
    addr 0.0.0.0 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "$dir/chassis"
  sol "tcp:127.0.0.1:9002" 115200
  user 2 true "ADMIN" "$password" admin 10 none md2 md5 straight
CONF
  cat > "$dir/bmc.emu" <<'EMU'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU
  # The serial server must listen before ipmi_sim connects its SOL to it.
  ip netns exec "$ns" socat TCP-LISTEN:9002,bind=127.0.0.1,reuseaddr,fork EXEC:"$dir/serial" 2>/dev/null &
  # The BMC's web interface: a minimal HTTP server on 443 (plain HTTP; a
  # browser or curl through the tunnel gets a page naming the BMC).
  printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhttps-of-%s\n' "$name" > "$dir/page"
  ip netns exec "$ns" socat TCP-LISTEN:443,reuseaddr,fork SYSTEM:"cat $dir/page" 2>/dev/null &
  # A remote console's stream (as KVM-over-IP on 5900): a line every 0.2 s
  # for as long as the connection lasts.
  ip netns exec "$ns" socat TCP-LISTEN:5900,reuseaddr,fork SYSTEM:'while echo tick; do sleep 0.2; done' 2>/dev/null &
  local i
  for i in $(seq 1 50); do ip netns exec "$ns" ss -ltn | grep -q ':9002 ' && break; sleep 0.1; done
  ip netns exec "$ns" ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" -n >"$dir/sim.log" 2>&1 &
  echo $! > "$dir/sim.pid"
  for i in $(seq 1 50); do ip netns exec "$ns" ss -lun | grep -q ':623 ' && break; sleep 0.1; done
}

stop_bmc_sim() { kill "$(cat "$IJ_T/bmc-$1/sim.pid")"; }
# Starts NAME's ipmi_sim again (after stop_bmc_sim), as it was.
restart_bmc_sim() {
  local dir=$IJ_T/bmc-$1 i
  ip netns exec "bmc-$1" ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" -n >>"$dir/sim.log" 2>&1 &
  echo $! > "$dir/sim.pid"
  for i in $(seq 1 50); do ip netns exec "bmc-$1" ss -lun | grep -q ':623 ' && break; sleep 0.1; done
}
# The host prints LINE on NAME's serial port.
serial_print() { printf '%s\n' "$2" >> "$IJ_T/bmc-$1/feed"; }
# What was typed on NAME's serial port, a line each.
serial_typed() { cat "$IJ_T/bmc-$1/typed" 2>/dev/null; }
bmc_power_file() { cat "$IJ_T/bmc-$1/power"; }
