# A simulated BMC for the end-to-end tests, sourced after lib.sh:
# OpenIPMI's ipmi_sim in its own network namespace, with a chassis whose
# power state, boot device and identify light are files, a "host serial
# port" (a small TCP server that greets and echoes lines back in upper case)
# behind its SOL, an HTTPS-port stand-in on 443, sensors with their SDRs
# (bmc_sensors below) and an event log that takes entries.
#
# What ipmi_sim 2.0.33 does not do as a BMC would, for the tests that look:
#   - Get System Boot Options answers the device the chassis program holds
#     but never the valid, persistent or EFI bits (always 0), and Set keeps
#     only the device;
#   - its Chassis Identify answer carries stray bytes after the completion
#     code, so FreeIPMI (which checks the checksum where it expects it) needs
#     the "nochecksumcheck" workaround to take it.
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
  echo none > "$dir/boot"
  echo "0 0" > "$dir/identify"
  cat > "$dir/chassis" <<SH
#!/bin/sh
# ipmi_sim's chassis_control program: "get NAME..." prints NAME:VALUE, "set NAME VALUE...".
# power is 0/1; boot is ipmi_sim's word for the boot device (none, pxe,
# default, cdrom, bios); identify is "INTERVAL FORCE" as it was last set.
# A file power_delay holding N: the chassis does what it was told N seconds
# after the BMC said "done" (set_power_delay), as real ones do.
case "\$1" in
  get) shift; for n in "\$@"; do case "\$n" in
         power|boot) echo "\$n:\$(cat $dir/\$n)" ;;
         *) echo "\$n:0" ;;
       esac; done ;;
  set) shift; while [ \$# -gt 1 ]; do case "\$1" in
         power) if [ -s "$dir/power_delay" ]; then
                  (sleep "\$(cat $dir/power_delay)"; echo "\$2" > "$dir/power") </dev/null >/dev/null 2>&1 &
                else
                  echo "\$2" > "$dir/power"
                fi ;;
         boot|identify) echo "\$2" > "$dir/\$1" ;;
       esac; shift 2; done ;;
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
  {
    echo "mc_setbmc 0x20"
    # Get Device ID: IPMI 2.0, firmware 9.08; a sensor device, SDR repository,
    # SEL, FRU, event receiver and chassis (9fh). Its SDRs are in the main
    # repository (main_sdr_add), so no device SDRs.
    echo "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02"
    echo "sel_enable 0x20 1000 0x0a"
    bmc_sensors
    echo "mc_enable 0x20"
  } > "$dir/bmc.emu"
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

# The sensors every simulated BMC has, as ipmi_sim commands: each one's SDR
# in the main repository and its reading. Temperatures read 1 degree C per
# raw unit, the fan 60 RPM; thresholds are upper non-critical, critical and
# non-recoverable. What FreeIPMI makes of them (ipmi-sensors):
#   CPU Temp     45.00 C     nominal  'OK'
#   Inlet Temp   42.00 C     nominal  'At or Above (>=) Upper Non-Critical Threshold'
#   FAN1         4800.00 RPM nominal  'OK'
#   CPU1 Status  discrete    nominal  'Processor Presence detected'
#   PSU1 Status  discrete    critical 'Presence detected' 'Power Supply Failure detected'
bmc_sensors() {
  #               number type entity unit  M    UNR  UC   UNC  name
  sim_threshold_sdr 0x01 0x01 0x03   0x01  0x01 0x5f 0x5a 0x55 "CPU Temp"
  sim_threshold_sdr 0x02 0x01 0x37   0x01  0x01 0x32 0x2d 0x28 "Inlet Temp"
  sim_threshold_sdr 0x03 0x04 0x1d   0x12  0x3c 0x00 0x00 0x00 "FAN1"
  #               number type entity offsets-mask name
  sim_discrete_sdr  0x04 0x07 0x03   "0x83 0x00" "CPU1 Status"
  sim_discrete_sdr  0x05 0x08 0x0a   "0x0f 0x00" "PSU1 Status"
  cat <<'EMU'
sensor_add 0x20 0 1 0x01 0x01
sensor_set_threshold 0x20 0 1 settable 111000 0x5f 0x5a 0x55 00 00 00
sensor_set_value 0x20 0 1 0x2d 0
sensor_add 0x20 0 2 0x01 0x01
sensor_set_threshold 0x20 0 2 settable 111000 0x32 0x2d 0x28 00 00 00
sensor_set_value 0x20 0 2 0x2a 0
sensor_add 0x20 0 3 0x04 0x01
sensor_set_value 0x20 0 3 0x50 0
sensor_add 0x20 0 4 0x07 0x6f
sensor_set_bit 0x20 0 4 7 1 0
sensor_add 0x20 0 5 0x08 0x6f
sensor_set_bit 0x20 0 5 0 1 0
sensor_set_bit 0x20 0 5 1 1 0
EMU
}

# TEXT as the bytes of main_sdr_add (" 0x43 0x50 ...").
sim_text_bytes() { printf '%s' "$1" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/ \([0-9a-f][0-9a-f]\)/ 0x\1/g; s/ $//'; }

# A threshold sensor's full sensor record (IPMI 2.0 table 43-1) owned by the
# BMC (20h): scanning and events on, auto re-arm, thresholds readable and
# settable; upper thresholds asserted going high; unsigned readings,
# linear, reading = M x raw; the record ID is ipmi_sim's to give.
sim_threshold_sdr() {
  local num=$1 type=$2 entity=$3 unit=$4 m=$5 unr=$6 uc=$7 unc=$8 name=$9
  #      owner lun  number entity inst init caps type reading-type
  local b="0x20 0x00 $num   $entity 0x01 0x67 0x48 $type 0x01"
  #   assertion, deassertion masks, readable/settable thresholds
  b+=" 0x80 0x0a 0x80 0x7a 0x38 0x38"
  #   units 1, base unit, modifier, linearization, M, M/tolerance, B, B/accuracy, accuracy/direction, exponents
  b+=" 0x00 $unit 0x00 0x00 $m 0x00 0x00 0x00 0x00 0x00"
  #   flags, nominal, normal max, normal min, sensor max, sensor min
  b+=" 0x00 0x00 0x00 0x00 0xff 0x00"
  #   UNR UC UNC, LNR LC LNC, hysteresis +/-, reserved x2, OEM
  b+=" $unr $uc $unc 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00"
  local n=${#name}
  # Record ID (any), SDR version 51h, type 01h, the length of what follows
  # (42 bytes, the ID string's type/length byte, the string).
  echo "main_sdr_add 0x20 0x00 0x00 0x51 0x01 $(printf '0x%02x' $((42 + 1 + n))) $b" \
       "$(printf '0x%02x' $((0xc0 | n))) $(sim_text_bytes "$name")"
}

# A discrete sensor's compact sensor record (IPMI 2.0 table 43-2),
# sensor-specific states (6fh); OFFSETS is the 2-byte mask of the states it
# asserts, deasserts and reads.
sim_discrete_sdr() {
  local num=$1 type=$2 entity=$3 mask=$4 name=$5
  local b="0x20 0x00 $num $entity 0x01 0x67 0x40 $type 0x6f $mask $mask $mask"
  #   units (no analog reading), base, modifier, sharing x2, hysteresis +/-, reserved x3, OEM
  b+=" 0xc0 0x00 0x00 0x01 0x00 0x00 0x00 0x00 0x00 0x00 0x00"
  local n=${#name}
  echo "main_sdr_add 0x20 0x00 0x00 0x51 0x02 $(printf '0x%02x' $((26 + 1 + n))) $b" \
       "$(printf '0x%02x' $((0xc0 | n))) $(sim_text_bytes "$name")"
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
# ipmi_sim's word for NAME's boot device (none, pxe, default, cdrom, bios).
# set_power_delay NAME SECONDS: NAME's chassis lags its BMC's "done".
set_power_delay() { echo "$2" > "$IJ_T/bmc-$1/power_delay"; }
bmc_boot_file() { cat "$IJ_T/bmc-$1/boot"; }
# NAME's last Chassis Identify: "INTERVAL FORCE" ("0 0" off, "255 1" until told).
bmc_identify_file() { cat "$IJ_T/bmc-$1/identify"; }
