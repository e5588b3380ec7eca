#include "cache/cache_key.hpp"

#include <clang-c/Index.h>

#include <cstdlib>
#include <filesystem>

#include "cache/digest.hpp"

namespace fs = std::filesystem;

namespace mcp_lint::cache {

namespace {

// Bumped whenever what an entry holds changes meaning.
constexpr const char* kKeyFormat = "mcp-lint-cache-key/3";  // 2: key literals carry their value; 3: packs out of the key

std::string build_id() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "unknown-build";
  const auto size = fs::file_size(exe, ec);
  const auto mtime = fs::last_write_time(exe, ec).time_since_epoch().count();
  return exe.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime);
}

}  // namespace

std::string libclang_version() {
  CXString v = clang_getClangVersion();
  std::string out = clang_getCString(v) ? clang_getCString(v) : "";
  clang_disposeString(v);
  return out;
}

std::string catalog_digest(const FeatureCatalog& catalog) {
  Sha256 h;
  auto list = [&h](const std::vector<std::string>& values) {
    h.field(std::to_string(values.size()));
    for (const auto& v : values) h.field(v);
  };
  for (const auto& f : catalog.features) {
    for (const auto* s : {&f.id, &f.title, &f.deadline, &f.link, &f.rule_prefix}) h.field(*s);
    h.field(f.inference ? "vocabulary" : "no-vocabulary");
    if (!f.inference) continue;
    const auto& v = *f.inference;
    h.field(v.feature);
    for (const auto* l : {&v.strong_types, &v.weak_types, &v.words, &v.fields, &v.levels}) list(*l);
  }
  list(catalog.capability_words);
  return h.hex();
}

std::map<std::string, std::string> pack_digests(const RuleSet& rules) {
  std::map<std::string, Sha256> by_pack;
  for (const auto& p : rules.packs) {
    Sha256& h = by_pack[p.id];
    h.field(p.id);
    h.field(p.description);
    // The bytes, not the path: the same pack through a symbolic link (a
    // directory of some of the packs) is the same pack.
    h.field(sha256_file(p.file));  // covers whatever the fields below do not name
  }
  for (const auto& r : rules.rules) {
    Sha256& h = by_pack[r.pack];
    for (const auto* s : {&r.pack, &r.id, &r.full_id, &r.feature, &r.message, &r.advice, &r.link, &r.deadline, &r.anchor}) h.field(*s);
    h.field(std::to_string(static_cast<int>(r.severity)));
    for (const auto& c : r.clauses) {
      h.field(c.kind);
      for (const auto* list : {&c.values, &c.names, &c.within}) {
        h.field(std::to_string(list->size()));
        for (const auto& v : *list) h.field(v);
      }
    }
  }
  std::map<std::string, std::string> out;
  for (auto& [id, h] : by_pack) out.emplace(id, h.hex());
  return out;
}

std::string run_salt(const FeatureCatalog& catalog, const std::vector<std::string>& scope_roots, bool collect_facts) {
  Sha256 h;
  h.field(kKeyFormat);
  h.field(MCP_LINT_VERSION);
  h.field(build_id());
  h.field(libclang_version());
  h.field(catalog_digest(catalog));
  h.field(std::to_string(scope_roots.size()));
  for (const auto& r : scope_roots) h.field(r);
  h.field(collect_facts ? "facts" : "no-facts");
  // Environment variables libclang's driver adds include directories from.
  for (const char* var : {"CPATH", "CPLUS_INCLUDE_PATH", "C_INCLUDE_PATH"}) {
    const char* value = std::getenv(var);
    h.field(value ? value : "<unset>");
  }
  return h.hex();
}

std::string unit_key(const std::string& salt, const std::string& main_file, const std::vector<std::string>& args,
                     const std::string& main_sha256) {
  Sha256 h;
  h.field(salt);
  h.field(main_file);
  h.field(std::to_string(args.size()));
  for (const auto& a : args) h.field(a);
  h.field(main_sha256);
  return h.hex();
}

}  // namespace mcp_lint::cache
