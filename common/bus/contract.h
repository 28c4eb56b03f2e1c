// The D-Bus contract of org.ipmijumphost.Jumphost1, owned here and linked by
// the daemon and both clients. One struct per method is one row: interface,
// name, the role allowed to call it (OpenSSH's monitor.c mon_dispatch_proto20
// is the model: request, permission, handler), argument names and types, and
// the typed reply. The daemon registers and authorises each method from its
// row (daemon/bus/dispatch.h), the clients call it by its row
// (common/bus/client.h), so a renamed method, argument or field breaks the
// build on both sides. dbus/org.ipmijumphost.Jumphost1.xml is the published
// interface; the end-to-end test checks it against the live object.
//
// Adding a method: one struct below, its name in Methods, and its handler in
// the daemon (which refuses to start while a row has no handler).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <array>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/bus/enroll_options.h"
#include "common/bus/names.h"
#include "common/bus/views.h"

namespace ij::bus {

enum class Role {
  admin,   // root or a member of the admin group (jumphost-admin)
  tenant,  // a user the state knows as a tenant; acts only on their own BMCs
};

// A method that returns nothing.
struct NoReply {};

template <const char* Interface, Role R>
struct On {
  static constexpr const char* interface = Interface;
  static constexpr Role role = R;
  static constexpr bool async = false;  // true: the reply is sent when slow work is done
};
using Manager = On<kManagerInterface, Role::admin>;
using Tenant = On<kTenantInterface, Role::tenant>;

// ---- org.ipmijumphost.Jumphost1.Manager ----
// With the option check (an IPMI session to the BMC, up to its timeout),
// Enroll and Set run on a worker and reply when done.
struct Enroll : Manager {
  static constexpr const char* name = "Enroll";
  static constexpr std::array in = {"name", "vlan", "options"};
  using Args = std::tuple<std::string, uint32_t, VariantMap>;
  static constexpr const char* out = "enrollment";
  using Reply = EnrollmentView;
  static constexpr bool async = true;
};
// Changes an enrollment in place: the options of Enroll that Set takes
// (owner, ports, bmc_user, bmc_password, switch_port, ipmi_privilege,
// cipher_suite, ipmi_workarounds, console_log, check); what is not given stays.
struct Set : Manager {
  static constexpr const char* name = "Set";
  static constexpr std::array in = {"name", "options"};
  using Args = std::tuple<std::string, VariantMap>;
  static constexpr const char* out = "enrollment";
  using Reply = EnrollmentView;
  static constexpr bool async = true;
};
struct Revoke : Manager {
  static constexpr const char* name = "Revoke";
  static constexpr std::array in = {"name"};
  using Args = std::tuple<std::string>;
  using Reply = NoReply;
};
struct List : Manager {
  static constexpr const char* name = "List";
  static constexpr std::array<const char*, 0> in = {};
  using Args = std::tuple<>;
  static constexpr const char* out = "enrollments";
  using Reply = std::vector<EnrollmentView>;
};
struct Show : Manager {
  static constexpr const char* name = "Show";
  static constexpr std::array in = {"name"};
  using Args = std::tuple<std::string>;
  static constexpr const char* out = "enrollment";
  using Reply = EnrollmentDetail;
};
struct AddKeys : Manager {
  static constexpr const char* name = "AddKeys";
  static constexpr std::array in = {"user", "source", "text"};
  using Args = std::tuple<std::string, std::string, std::string>;
  static constexpr const char* out = "fingerprints";
  using Reply = std::vector<std::string>;
};
struct RemoveKey : Manager {
  static constexpr const char* name = "RemoveKey";
  static constexpr std::array in = {"user", "fingerprint"};
  using Args = std::tuple<std::string, std::string>;
  using Reply = NoReply;
};
struct Doctor : Manager {
  static constexpr const char* name = "Doctor";
  static constexpr std::array<const char*, 0> in = {};
  using Args = std::tuple<>;
  static constexpr const char* out = "findings";
  using Reply = std::vector<Finding>;
  static constexpr bool async = true;
};
struct SwitchConfig : Manager {
  static constexpr const char* name = "SwitchConfig";
  static constexpr std::array in = {"vendor", "names"};
  using Args = std::tuple<std::string, std::vector<std::string>>;
  static constexpr const char* out = "text";
  using Reply = std::string;
};
struct ClientConfig : Manager {
  static constexpr const char* name = "ClientConfig";
  static constexpr std::array in = {"name"};
  using Args = std::tuple<std::string>;
  static constexpr const char* out = "text";
  using Reply = std::string;
};
// Any BMC's console, for an operator; mode: "", read-only or force (force
// also takes over a SOL session held outside the jumphost).
struct OperatorConsole : Manager {
  static constexpr const char* name = "Console";
  static constexpr std::array in = {"name", "mode"};
  using Args = std::tuple<std::string, std::string>;
  static constexpr const char* out = "console";
  using Reply = sdbus::UnixFd;
};
struct Consoles : Manager {
  static constexpr const char* name = "Consoles";
  static constexpr std::array<const char*, 0> in = {};
  using Args = std::tuple<>;
  static constexpr const char* out = "consoles";
  using Reply = std::vector<ConsoleView>;
};
struct OperatorConsoleLog : Manager {
  static constexpr const char* name = "ConsoleLog";
  static constexpr std::array in = {"name", "lines"};
  using Args = std::tuple<std::string, uint32_t>;
  static constexpr const char* out = "log";
  using Reply = std::vector<uint8_t>;
};

// Ends the SOL session that holds BMC `name`'s serial console, whoever holds
// it, with the stored credentials; the console then connects again if it is
// held. The text says what was done.
struct DeactivateConsole : Manager {
  static constexpr const char* name = "DeactivateConsole";
  static constexpr bool async = true;
  static constexpr std::array in = {"name"};
  using Args = std::tuple<std::string>;
  static constexpr const char* out = "text";
  using Reply = std::string;
};

// Power for many BMCs at once: `names`, or every BMC of `owner`, or (all)
// every BMC, exactly one of the three; at most `fanout` sessions at a time
// (0: 64, as ipmipower's). One answer per BMC, in the order of the names
// (a name given twice runs once; by name for owner and all); a BMC that
// fails does not stop the others.
struct OperatorPower : Manager {
  static constexpr const char* name = "Power";
  static constexpr bool async = true;
  static constexpr std::array in = {"names", "owner", "all", "action", "wait", "fanout"};
  using Args = std::tuple<std::vector<std::string>, std::string, bool, std::string, bool, uint32_t>;
  static constexpr const char* out = "results";
  using Reply = std::vector<PowerView>;
};
// What an enrolled BMC offers and whether its stored credentials work.
struct CheckBmc : Manager {
  static constexpr const char* name = "CheckBmc";
  static constexpr bool async = true;
  static constexpr std::array in = {"name"};
  using Args = std::tuple<std::string>;
  static constexpr const char* out = "probe";
  using Reply = ProbeView;
};

// ---- org.ipmijumphost.Jumphost1.Tenant ----
struct ListMine : Tenant {
  static constexpr const char* name = "ListMine";
  static constexpr std::array<const char*, 0> in = {};
  using Args = std::tuple<>;
  static constexpr const char* out = "bmcs";
  using Reply = TenantBmcs;
};
// bmc: empty for the tenant's only BMC; action: a word of common/ipmi/power.h;
// wait: answer once the chassis reports the state asked for (or a timeout);
// password: empty when the daemon has it (secret). The same holds for the
// BMC operations below.
struct Power : Tenant {
  static constexpr const char* name = "Power";
  static constexpr bool async = true;
  static constexpr std::array in = {"bmc", "action", "wait", "password"};
  using Args = std::tuple<std::string, std::string, bool, std::string>;
  static constexpr const char* out = "result";
  using Reply = PowerView;
};
// device: a word of common/ipmi/operations.h, or "" to read the setting.
struct BootDevice : Tenant {
  static constexpr const char* name = "BootDevice";
  static constexpr bool async = true;
  static constexpr std::array in = {"bmc", "device", "persistent", "efi", "password"};
  using Args = std::tuple<std::string, std::string, bool, bool, std::string>;
  static constexpr const char* out = "boot";
  using Reply = BootView;
};
// seconds: how long the light stays on (0: off), unless forever.
struct Identify : Tenant {
  static constexpr const char* name = "Identify";
  static constexpr bool async = true;
  static constexpr std::array in = {"bmc", "seconds", "forever", "password"};
  using Args = std::tuple<std::string, uint32_t, bool, std::string>;
  static constexpr const char* out = "identify";
  using Reply = IdentifyView;
};
// The event log, or (clear) its erasure.
struct Sel : Tenant {
  static constexpr const char* name = "Sel";
  static constexpr bool async = true;
  static constexpr std::array in = {"bmc", "clear", "password"};
  using Args = std::tuple<std::string, bool, std::string>;
  static constexpr const char* out = "sel";
  using Reply = SelView;
};
struct Sensors : Tenant {
  static constexpr const char* name = "Sensors";
  static constexpr bool async = true;
  static constexpr std::array in = {"bmc", "password"};
  using Args = std::tuple<std::string, std::string>;
  static constexpr const char* out = "sensors";
  using Reply = SensorsView;
};
// The console socket (common/console/protocol.h); mode: "", read-only or
// force. The password is the tenant's, when none is stored (secret).
struct Console : Tenant {
  static constexpr const char* name = "Console";
  static constexpr std::array in = {"bmc", "password", "mode"};
  using Args = std::tuple<std::string, std::string, std::string>;
  static constexpr const char* out = "console";
  using Reply = sdbus::UnixFd;
};
// The last lines of the console's log, as the BMC wrote them (bytes).
struct ConsoleLog : Tenant {
  static constexpr const char* name = "ConsoleLog";
  static constexpr std::array in = {"bmc", "lines"};
  using Args = std::tuple<std::string, uint32_t>;
  static constexpr const char* out = "log";
  using Reply = std::vector<uint8_t>;
};

// Every row, in the order of the interface file.
using Methods = std::tuple<Enroll, Set, Revoke, List, Show, AddKeys, RemoveKey, Doctor, SwitchConfig, ClientConfig,
                           OperatorConsole, Consoles, OperatorConsoleLog, DeactivateConsole, OperatorPower, CheckBmc, ListMine, Power,
                           BootDevice, Identify, Sel, Sensors, Console, ConsoleLog>;

// The role a method requires, read from the rows; nullopt for a method that
// is not in the contract.
std::optional<Role> required_role(const std::string& interface, const std::string& method);

// How a reply type travels: strings, string lists and file descriptors as
// themselves, views as one JSON string.
template <class T>
struct Wire {
  using type = std::string;
  // Bytes that are not UTF-8 (from a BMC, say) become U+FFFD rather than
  // an exception that would leave the call unanswered.
  static std::string encode(const T& v) {
    return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  // Throws nlohmann::json::exception on an answer of another shape.
  static T decode(const std::string& s) { return nlohmann::json::parse(s).get<T>(); }
};
template <>
struct Wire<std::string> {
  using type = std::string;
  static std::string encode(const std::string& v) { return v; }
  static std::string decode(const std::string& v) { return v; }
};
template <>
struct Wire<std::vector<std::string>> {
  using type = std::vector<std::string>;
  static type encode(const type& v) { return v; }
  static type decode(const type& v) { return v; }
};
template <>
struct Wire<std::vector<uint8_t>> {
  using type = std::vector<uint8_t>;
  static type encode(const type& v) { return v; }
  static type decode(const type& v) { return v; }
};
template <>
struct Wire<sdbus::UnixFd> {
  using type = sdbus::UnixFd;
  static type encode(const type& v) { return v; }
  static type decode(const type& v) { return v; }
};

}  // namespace ij::bus
