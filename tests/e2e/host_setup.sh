# The jumphost's surroundings for the end-to-end tests and the lab, sourced
# by run-sandbox.sh (in its namespaces) and by the lab inside its VM:
# a veth "eth1" as the trunk, host keys and a pristine sshd, and a private
# dbus-daemon as the system bus with the project's own policy file.

# setup_trunk: eth1 (the jumphost's trunk) and eth1-peer (the switch's side).
setup_trunk() {
  ip link set lo up
  ip link add eth1 type veth peer name eth1-peer
  ip link set eth1 up
  ip link set eth1-peer up
}

# start_system_bus SRC-DIR WORK-DIR: exports DBUS_SYSTEM_BUS_ADDRESS.
start_system_bus() {
  local src=$1 work=$2 socket=/run/dbus/system_bus_socket
  mkdir -p /run/dbus
  cat > "$work/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
  </policy>
  <include>$src/dbus/org.ipmijumphost.Jumphost1.conf</include>
</busconfig>
CONF
  dbus-daemon --config-file="$work/system-bus.conf" --fork --nopidfile
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$socket
}

# start_sshd LISTEN-ADDRESS [SSHD-OPTIONS...]: host keys, no drop-ins but
# the daemon's, sshd.
start_sshd() {
  local listen=$1; shift
  mkdir -p /run/sshd
  ssh-keygen -A >/dev/null
  rm -f /etc/ssh/sshd_config.d/*.conf
  /usr/sbin/sshd -o ListenAddress="$listen" -o PidFile=/run/sshd.pid "$@"
}
