#include "engine/rule_pack.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace fs = std::filesystem;

namespace mcp_lint {

const Rule* RuleSet::find(const std::string& full_id) const {
  for (const auto& r : rules)
    if (r.full_id == full_id) return &r;
  return nullptr;
}

namespace {

// Collects every validation problem of one file so that a pack author sees all
// of them in one run.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const YAML::Node& at, const std::string& where, const std::string& what) {
    std::ostringstream os;
    os << file_;
    if (at.IsDefined() && at.Mark().line >= 0) os << ":" << at.Mark().line + 1;
    os << ": " << (where.empty() ? "" : where + ": ") << what;
    list_.push_back(os.str());
  }
  bool empty() const { return list_.empty(); }
  std::string joined() const {
    std::string out;
    for (const auto& p : list_) out += (out.empty() ? "" : "\n") + p;
    return out;
  }

 private:
  std::string file_;
  std::vector<std::string> list_;
};

bool valid_id(const std::string& id) {
  if (id.empty() || (!std::islower(static_cast<unsigned char>(id[0])) && !std::isdigit(static_cast<unsigned char>(id[0]))))
    return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-' || c == '_' || c == '.';
  });
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Reads a required non-empty scalar string field.
std::string scalar(const YAML::Node& map, const char* key, const std::string& where, Problems& p, bool required = true) {
  YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) {
    if (required) p.add(map, where, std::string("missing required field '") + key + "'");
    return {};
  }
  if (!n.IsScalar()) {
    p.add(n, where, std::string("field '") + key + "' must be a string");
    return {};
  }
  std::string v = n.as<std::string>();
  if (required && v.empty()) p.add(n, where, std::string("field '") + key + "' must not be empty");
  return v;
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& key, const std::string& where, Problems& p) {
  std::vector<std::string> out;
  if (n.IsScalar()) {  // a single string is accepted as a one-element list
    out.push_back(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto& item : n) {
      if (!item.IsScalar()) {
        p.add(item, where, "'" + key + "' must be a list of strings");
        continue;
      }
      out.push_back(item.as<std::string>());
    }
  } else {
    p.add(n, where, "'" + key + "' must be a list of strings");
  }
  for (const auto& s : out)
    if (s.empty()) p.add(n, where, "'" + key + "' contains an empty string");
  if (out.empty()) p.add(n, where, "'" + key + "' must not be empty");
  return out;
}

void check_keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where, Problems& p) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::vector<std::string> sorted(allowed.begin(), allowed.end());
      p.add(kv.first, where, "unknown field '" + key + "' (allowed: " + join(sorted) + ")");
    }
  }
}

MatchClause parse_clause(const YAML::Node& n, const std::string& where, Problems& p) {
  MatchClause c;
  if (!n.IsMap()) {
    p.add(n, where, "a match clause must be a mapping with 'kind'");
    return c;
  }
  c.kind = scalar(n, "kind", where, p);
  const auto& kinds = matcher_kinds();
  if (!c.kind.empty() && std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
    p.add(n["kind"], where, "unknown matcher kind '" + c.kind + "' (expected one of: " + join(kinds) + ")");
    return c;
  }
  const bool by_value = c.kind == "string-literal" || c.kind == "json-key" || c.kind == "int-literal";
  const std::string list_key = by_value ? "values" : "names";
  check_keys(n, {"kind", list_key, "within"}, where, p);
  YAML::Node list = n[list_key];
  if (!list.IsDefined() || list.IsNull()) {
    p.add(n, where, "kind '" + c.kind + "' requires '" + list_key + "'");
  } else {
    (by_value ? c.values : c.names) = string_list(list, list_key, where, p);
  }
  if (c.kind == "int-literal") {
    for (auto& v : c.values) {
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 0);
      if (v.empty() || *end) p.add(list, where, "int-literal value '" + v + "' is not an integer");
      else v = std::to_string(n);  // 0x7d02 and 32002 are the same key
    }
  }
  for (auto& name : c.names) {
    if (name.rfind("::", 0) == 0) name.erase(0, 2);  // "::mcp::x" == "mcp::x"
    if (name.find(' ') != std::string::npos || name.find('<') != std::string::npos)
      p.add(list, where, "name '" + name + "' must be a plain fully qualified name (no spaces, no template arguments)");
  }
  if (YAML::Node w = n["within"]; w.IsDefined() && !w.IsNull()) {
    c.within = string_list(w, "within", where, p);
    for (auto& word : c.within)
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
  }
  return c;
}

}  // namespace

std::vector<Rule> load_pack_file(const std::string& path, Pack& pack_out) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw RulePackError(path + ": cannot read rule pack");
  } catch (const YAML::Exception& e) {
    throw RulePackError(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  Problems p(path);
  std::vector<Rule> rules;
  const std::string stem = fs::path(path).stem().string();
  if (!root.IsMap()) throw RulePackError(path + ": a rule pack must be a mapping with 'pack', 'description', 'rules'");
  check_keys(root, {"pack", "description", "rules"}, "", p);
  pack_out.file = path;
  pack_out.id = scalar(root, "pack", "", p);
  pack_out.description = scalar(root, "description", "", p);
  if (!pack_out.id.empty() && pack_out.id != stem)
    p.add(root["pack"], "", "pack id '" + pack_out.id + "' must equal the file name without .yaml ('" + stem + "')");
  YAML::Node list = root["rules"];
  if (!list.IsDefined() || !list.IsSequence() || list.size() == 0) {
    p.add(root, "", "'rules' must be a non-empty list");
  } else {
    std::set<std::string> seen;
    std::size_t index = 0;
    for (const auto& rn : list) {
      ++index;
      Rule r;
      r.pack = pack_out.id;
      std::string where = "rule #" + std::to_string(index);
      if (!rn.IsMap()) {
        p.add(rn, where, "a rule must be a mapping");
        continue;
      }
      r.id = scalar(rn, "id", where, p);
      if (!r.id.empty()) where = "rule '" + r.id + "'";
      check_keys(rn, {"id", "feature", "severity", "message", "advice", "link", "match", "deadline"}, where, p);
      if (!r.id.empty() && !valid_id(r.id))
        p.add(rn["id"], where, "id must be lower-case letters, digits, '-', '_' or '.'");
      if (!r.id.empty() && !seen.insert(r.id).second) p.add(rn["id"], where, "duplicate rule id in this pack");
      r.full_id = pack_out.id + "/" + r.id;
      r.feature = scalar(rn, "feature", where, p);
      const auto& features = known_features();
      if (!r.feature.empty() && std::find(features.begin(), features.end(), r.feature) == features.end())
        p.add(rn["feature"], where, "unknown feature '" + r.feature + "' (expected one of: " + join(features) + ")");
      else if (!r.feature.empty() && !r.id.empty() &&
               (r.id.size() <= rule_id_prefix(r.feature).size() || r.id.rfind(rule_id_prefix(r.feature), 0) != 0))
        p.add(rn["id"], where,
              "id must begin with '" + rule_id_prefix(r.feature) + "' followed by a name, because its feature is '" + r.feature +
                  "' (each rule id names its feature: roots-..., sampling-..., logging-..., removed-..., "
                  "http-sse-transport-...)");
      const std::string sev = scalar(rn, "severity", where, p);
      if (!sev.empty() && !parse_severity(sev, r.severity))
        p.add(rn["severity"], where, "severity must be note, warning or error (got '" + sev + "')");
      r.message = scalar(rn, "message", where, p);
      r.advice = scalar(rn, "advice", where, p);
      r.link = scalar(rn, "link", where, p);
      if (!r.link.empty() && r.link.rfind("https://", 0) != 0 && r.link.rfind("http://", 0) != 0)
        p.add(rn["link"], where, "link must be an http(s) URL");
      r.deadline = scalar(rn, "deadline", where, p, /*required=*/false);
      YAML::Node match = rn["match"];
      if (!match.IsDefined() || !match.IsSequence() || match.size() == 0) {
        p.add(rn, where, "'match' must be a non-empty list of clauses");
      } else {
        std::size_t ci = 0;
        for (const auto& cn : match) r.clauses.push_back(parse_clause(cn, where + ": match[" + std::to_string(ci++) + "]", p));
      }
      rules.push_back(std::move(r));
    }
  }
  if (!p.empty()) throw RulePackError(p.joined());
  return rules;
}

RuleSet load_rule_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw RulePackError(dir + ": rules directory not found");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  if (ec) throw RulePackError(dir + ": cannot list rules directory: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw RulePackError(dir + ": no rule packs (*.yaml) found");
  RuleSet set;
  std::string errors;
  for (const auto& f : files) {
    try {
      Pack pack;
      auto rules = load_pack_file(f.string(), pack);
      set.packs.push_back(pack);
      for (auto& r : rules) set.rules.push_back(std::move(r));
    } catch (const RulePackError& e) {
      errors += (errors.empty() ? "" : "\n") + std::string(e.what());
    }
  }
  if (!errors.empty()) throw RulePackError(errors);
  return set;
}

}  // namespace mcp_lint
