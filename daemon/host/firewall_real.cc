#include "daemon/host/firewall_real.h"

#include <nftables/libnftables.h>

#include <nlohmann/json.hpp>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/fs.h"
#include "daemon/render/firewall.h"

namespace ij {
namespace {

using json = nlohmann::json;

// nft's message: the line that says "Error:" (its next lines repeat the
// input and point at it with a caret).
std::string error_line(const std::string& output) {
  std::vector<std::string> lines = split_lines(output);
  for (const std::string& l : lines)
    if (size_t at = l.find("Error: "); at != std::string::npos) return std::string(trim(l.substr(at + 7)));
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!trim(*it).empty()) return std::string(trim(*it));
  return "no output";
}

// One element in nft's syntax, as firewall_spec writes it, from its JSON.
std::string element_text(const json& v, const json& type) {
  if (v.is_object() && v.contains("elem") && v["elem"].is_object() && v["elem"].contains("val"))
    return element_text(v["elem"]["val"], type);
  if (v.is_object() && v.contains("concat") && v["concat"].is_array() && type.is_array() &&
      type.size() == v["concat"].size()) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < type.size(); ++i) parts.push_back(element_text(v["concat"][i], type[i]));
    return join(parts, " . ");
  }
  if (v.is_number_unsigned() || v.is_number_integer()) return v.dump();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    return type.is_string() && type.get<std::string>() == "ifname" ? "\"" + s + "\"" : s;
  }
  return v.dump();  // not one of ours: it matches nothing expected
}

}  // namespace

Result<FirewallListing> parse_firewall_listing(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("nftables") || !doc["nftables"].is_array())
    return make_error(Errc::failed, "libnftables listed the table in a form this daemon does not read");
  FirewallListing out;
  json structure = json::array();
  for (json item : doc["nftables"]) {
    if (!item.is_object() || item.contains("metainfo")) continue;
    for (auto& [kind, body] : item.items()) {
      if (!body.is_object()) continue;
      body.erase("handle");
      if (kind == "set" && body.contains("name") && body["name"].is_string()) {
        auto& elements = out.elements.sets[body["name"].get<std::string>()];
        if (body.contains("elem") && body["elem"].is_array())
          for (const json& e : body["elem"]) elements.insert(element_text(e, body.value("type", json())));
        body.erase("elem");
      }
    }
    structure.push_back(item);
  }
  out.structure = structure.dump();
  return out;
}

namespace {

// A libnftables context for one operation, with its output and errors
// buffered (unbuffered it would print to our stdout).
class Context {
 public:
  Context() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
    if (ctx_ && (nft_ctx_buffer_output(ctx_) != 0 || nft_ctx_buffer_error(ctx_) != 0)) {
      nft_ctx_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~Context() {
    if (ctx_) nft_ctx_free(ctx_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  nft_ctx* get() const { return ctx_; }

 private:
  nft_ctx* ctx_;
};

Error no_context() { return make_error(Errc::failed, "libnftables could not make a context (out of memory?)"); }

}  // namespace

RealFirewall::RealFirewall(const Config& config) : config_(config) {}

Status RealFirewall::run(nft_ctx* ctx, const std::string& script, const std::string& what) {
  nft_ctx_output_set_flags(ctx, 0);
  const int rc = nft_run_cmd_from_buffer(ctx, script.c_str());
  (void)nft_ctx_get_output_buffer(ctx);
  const std::string errors = nft_ctx_get_error_buffer(ctx);
  if (rc != 0)
    return make_error(Errc::failed, what + ": " + error_line(errors) +
                                        " (is the kernel's nf_tables available?)");
  return ok_status();
}

Result<std::optional<std::string>> RealFirewall::listing(nft_ctx* ctx) {
  nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_STATELESS);
  const std::string command = std::string("list table ") + kFirewallFamily + " " + kFirewallTable;
  const int rc = nft_run_cmd_from_buffer(ctx, command.c_str());
  std::string out = nft_ctx_get_output_buffer(ctx);
  const std::string errors = nft_ctx_get_error_buffer(ctx);
  nft_ctx_output_set_flags(ctx, 0);
  if (rc == 0) return std::optional<std::string>(std::move(out));
  if (errors.find("No such file or directory") != std::string::npos) return std::optional<std::string>{};  // no table
  return make_error(Errc::failed, "cannot list the firewall table: " + error_line(errors));
}

Status RealFirewall::apply(const FirewallSpec& spec) {
  std::lock_guard lock(mu_);
  Context ctx;
  if (!ctx.get()) return no_context();
  IJ_TRY(ensure_dir(config_.runtime_dir, 0700));
  // What versions before libnftables kept there.
  (void)remove_file(config_.runtime_dir + "/firewall.nft");
  (void)remove_file(config_.runtime_dir + "/firewall.listing");
  IJ_TRY(run(ctx.get(), render_firewall(spec), "nftables refuses the firewall table"));
  // The table is in place: whatever fails from here is bookkeeping, and the
  // apply stands (a step that reported failure would not be undone). Without
  // the record the next check finds the table "changed" and writes it again.
  Status kept = [&]() -> Status {
    auto now = listing(ctx.get());
    if (!now) return now.error();
    if (!now->has_value()) return make_error(Errc::failed, "the table is missing right after it was applied");
    auto parsed = parse_firewall_listing(**now);
    if (!parsed) return parsed.error();
    IJ_TRY(write_file_atomic(structure_path(), parsed->structure, 0600));
    return write_file_atomic(skeleton_path(), render_firewall_skeleton(), 0600);
  }();
  if (!kept) {
    (void)remove_file(structure_path());
    log::error("firewall: the table is applied, but its record for later checks is not: " + kept.error().message);
  }
  return ok_status();
}

Status RealFirewall::change(const FirewallSpec& present, const FirewallSpec& absent) {
  const std::string script = render_firewall_change(present, absent);
  if (script.empty()) return ok_status();
  std::lock_guard lock(mu_);
  Context ctx;
  if (!ctx.get()) return no_context();
  return run(ctx.get(), script, "nftables refuses the change to the firewall's sets");
}

Result<bool> RealFirewall::matches(const FirewallSpec& spec) {
  std::lock_guard lock(mu_);
  auto skeleton = read_file(skeleton_path());
  if (!skeleton) return skeleton.error();
  auto structure = read_file(structure_path());
  if (!structure) return structure.error();
  if (!skeleton->has_value() || **skeleton != render_firewall_skeleton() || !structure->has_value()) return false;
  Context ctx;
  if (!ctx.get()) return no_context();
  auto now = listing(ctx.get());
  if (!now) return now.error();
  if (!now->has_value()) return false;
  auto parsed = parse_firewall_listing(**now);
  if (!parsed) return parsed.error();
  if (parsed->structure != **structure) return false;
  for (const auto& [name, type] : firewall_sets()) {
    static const std::set<std::string> none;
    auto want = spec.sets.find(name);
    auto have = parsed->elements.sets.find(name);
    if (have == parsed->elements.sets.end()) return false;
    if (have->second != (want == spec.sets.end() ? none : want->second)) return false;
  }
  return true;
}

Status RealFirewall::remove() {
  std::lock_guard lock(mu_);
  // Declaring the table first makes the deletion succeed whether or not it
  // is there, in one transaction.
  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
  Context ctx;
  if (!ctx.get()) return no_context();
  IJ_TRY(run(ctx.get(), "table " + table + "\ndelete table " + table + "\n", "nftables cannot delete the table"));
  (void)remove_file(structure_path());
  (void)remove_file(skeleton_path());
  return ok_status();
}

}  // namespace ij
