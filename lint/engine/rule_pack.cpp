#include "engine/rule_pack.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "engine/matchers/matcher.hpp"

namespace fs = std::filesystem;

namespace mcp_lint {

const Rule* RuleSet::find(const std::string& full_id) const {
  for (const auto& r : rules)
    if (r.full_id == full_id) return &r;
  return nullptr;
}

const Feature* FeatureCatalog::find(const std::string& id) const {
  for (const auto& f : features)
    if (f.id == id) return &f;
  return nullptr;
}

std::size_t FeatureCatalog::rank(const std::string& id) const {
  for (std::size_t i = 0; i < features.size(); ++i)
    if (features[i].id == id) return i;
  return features.size();
}

std::string FeatureCatalog::rule_prefix(const std::string& id) const {
  const Feature* f = find(id);
  return f ? f->rule_prefix : id + "-";
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
    if (!kv.first.IsScalar()) {  // `? [a, b] : x` is valid YAML, not a field name
      p.add(kv.first, where, "a field name must be a plain string");
      continue;
    }
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::vector<std::string> sorted(allowed.begin(), allowed.end());
      p.add(kv.first, where, "unknown field '" + key + "' (allowed: " + join(sorted) + ")");
    }
  }
}

std::string kind_names() {
  std::vector<std::string> names;
  for (const auto& k : matcher_kinds()) names.emplace_back(k.kind);
  return join(names);
}

std::string feature_names(const FeatureCatalog& features) {
  std::vector<std::string> names;
  for (const auto& f : features.features) names.push_back(f.id);
  return join(names);
}

std::string prefix_names(const FeatureCatalog& features) {
  std::vector<std::string> names;
  for (const auto& f : features.features) names.push_back(f.rule_prefix + "...");
  return join(names);
}

MatchClause parse_clause(const YAML::Node& n, const std::string& where, Problems& p) {
  MatchClause c;
  if (!n.IsMap()) {
    p.add(n, where, "a match clause must be a mapping with 'kind'");
    return c;
  }
  c.kind = scalar(n, "kind", where, p);
  const MatcherKind* kind = c.kind.empty() ? nullptr : find_matcher_kind(c.kind);
  if (!kind) {
    if (!c.kind.empty()) p.add(n["kind"], where, "unknown matcher kind '" + c.kind + "' (expected one of: " + kind_names() + ")");
    return c;
  }
  const bool by_value = kind->list == ClauseList::values;
  const std::string list_key = by_value ? "values" : "names";
  check_keys(n, {"kind", list_key, "within"}, where, p);
  YAML::Node list = n[list_key];
  if (!list.IsDefined() || list.IsNull()) {
    p.add(n, where, "kind '" + c.kind + "' requires '" + list_key + "'");
  } else {
    (by_value ? c.values : c.names) = string_list(list, list_key, where, p);
  }
  if (kind->normalize)
    for (auto& entry : by_value ? c.values : c.names)
      if (std::string problem = kind->normalize(entry); !problem.empty()) p.add(list, where, problem);
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

YAML::Node load_yaml(const std::string& path, const char* what) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw RulePackError(path + ": cannot read " + what);
  } catch (const YAML::Exception& e) {
    throw RulePackError(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

bool is_http_url(const std::string& s) { return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0; }

bool lower_word(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c); });
}

// Lower-case words (identifier words are matched lower-cased).
std::vector<std::string> word_list(const YAML::Node& n, const std::string& key, const std::string& where, Problems& p) {
  auto words = string_list(n, key, where, p);
  for (const auto& w : words)
    if (!lower_word(w)) p.add(n, where, "'" + key + "' entries must be lower-case letters and digits (got '" + w + "')");
  return words;
}

// A feature's `inference` block: `words` required, the other lists optional.
FeatureVocabulary parse_vocabulary(const YAML::Node& n, const std::string& id, const std::string& where, Problems& p) {
  FeatureVocabulary v;
  v.feature = id;
  if (!n.IsMap()) {
    p.add(n, where, "'inference' must be a mapping with 'words'");
    return v;
  }
  check_keys(n, {"schema_types", "weak_types", "words", "fields", "levels"}, where + ": inference", p);
  auto optional = [&](const char* key) {
    YAML::Node list = n[key];
    return list.IsDefined() && !list.IsNull() ? string_list(list, key, where + ": inference", p) : std::vector<std::string>{};
  };
  if (YAML::Node w = n["words"]; w.IsDefined() && !w.IsNull()) v.words = word_list(w, "words", where + ": inference", p);
  else p.add(n, where + ": inference", "missing required field 'words'");
  v.strong_types = optional("schema_types");
  v.weak_types = optional("weak_types");
  v.fields = optional("fields");
  if (YAML::Node l = n["levels"]; l.IsDefined() && !l.IsNull()) v.levels = word_list(l, "levels", where + ": inference", p);
  return v;
}

}  // namespace

FeatureCatalog load_feature_file(const std::string& path) {
  const YAML::Node root = load_yaml(path, "feature catalog");
  if (!root.IsMap()) throw RulePackError(path + ": a feature catalog must be a mapping with 'features'");
  Problems p(path);
  FeatureCatalog catalog;
  check_keys(root, {"features", "capability_words"}, "", p);
  if (YAML::Node w = root["capability_words"]; w.IsDefined() && !w.IsNull())
    catalog.capability_words = word_list(w, "capability_words", "", p);
  YAML::Node list = root["features"];
  if (!list.IsDefined() || !list.IsSequence() || list.size() == 0) {
    p.add(root, "", "'features' must be a non-empty list");
  } else {
    std::size_t index = 0;
    for (const auto& fn : list) {
      std::string where = "feature #" + std::to_string(++index);
      if (!fn.IsMap()) {
        p.add(fn, where, "a feature must be a mapping");
        continue;
      }
      Feature f;
      f.id = scalar(fn, "id", where, p);
      if (!f.id.empty()) where = "feature '" + f.id + "'";
      check_keys(fn, {"id", "title", "deadline", "link", "rule_prefix", "inference"}, where, p);
      if (!f.id.empty() && !valid_id(f.id)) p.add(fn["id"], where, "id must be lower-case letters, digits, '-', '_' or '.'");
      if (!f.id.empty() && catalog.find(f.id)) p.add(fn["id"], where, "duplicate feature id");
      f.title = scalar(fn, "title", where, p);
      f.deadline = scalar(fn, "deadline", where, p);
      f.link = scalar(fn, "link", where, p);
      if (!f.link.empty() && !is_http_url(f.link)) p.add(fn["link"], where, "link must be an http(s) URL");
      f.rule_prefix = scalar(fn, "rule_prefix", where, p, /*required=*/false);
      if (f.rule_prefix.empty()) f.rule_prefix = f.id + "-";
      else if (!valid_id(f.rule_prefix) || f.rule_prefix.back() != '-')
        p.add(fn["rule_prefix"], where, "rule_prefix must be a valid id ending with '-' (got '" + f.rule_prefix + "')");
      if (YAML::Node inf = fn["inference"]; inf.IsDefined() && !inf.IsNull()) f.inference = parse_vocabulary(inf, f.id, where, p);
      catalog.features.push_back(std::move(f));
    }
    // A rule id must name exactly one feature: no prefix may begin another.
    for (const auto& a : catalog.features)
      for (const auto& b : catalog.features)
        if (&a != &b && !a.id.empty() && !b.id.empty() && b.rule_prefix.rfind(a.rule_prefix, 0) == 0)
          p.add(list, "feature '" + b.id + "'",
                "rule_prefix '" + b.rule_prefix + "' begins with feature '" + a.id + "''s prefix '" + a.rule_prefix +
                    "': a rule id would name two features");
  }
  if (!p.empty()) throw RulePackError(p.joined());
  return catalog;
}

std::vector<Rule> load_pack_file(const std::string& path, const FeatureCatalog& features, Pack& pack_out) {
  const YAML::Node root = load_yaml(path, "rule pack");
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
      check_keys(rn, {"id", "feature", "severity", "message", "advice", "link", "match", "deadline", "anchor"}, where, p);
      if (!r.id.empty() && !valid_id(r.id))
        p.add(rn["id"], where, "id must be lower-case letters, digits, '-', '_' or '.'");
      if (!r.id.empty() && !seen.insert(r.id).second) p.add(rn["id"], where, "duplicate rule id in this pack");
      r.full_id = pack_out.id + "/" + r.id;
      r.feature = scalar(rn, "feature", where, p);
      const Feature* feature = r.feature.empty() ? nullptr : features.find(r.feature);
      if (!r.feature.empty() && !feature)
        p.add(rn["feature"], where, "unknown feature '" + r.feature + "' (expected one of: " + feature_names(features) + ")");
      else if (feature && !r.id.empty() &&
               (r.id.size() <= feature->rule_prefix.size() || r.id.rfind(feature->rule_prefix, 0) != 0))
        p.add(rn["id"], where,
              "id must begin with '" + feature->rule_prefix + "' followed by a name, because its feature is '" + r.feature +
                  "' (each rule id names its feature: " + prefix_names(features) + ")");
      const std::string sev = scalar(rn, "severity", where, p);
      if (!sev.empty() && !parse_severity(sev, r.severity))
        p.add(rn["severity"], where, "severity must be note, warning or error (got '" + sev + "')");
      r.message = scalar(rn, "message", where, p);
      r.advice = scalar(rn, "advice", where, p);
      r.link = scalar(rn, "link", where, p);
      if (!r.link.empty() && !is_http_url(r.link))
        p.add(rn["link"], where, "link must be an http(s) URL");
      r.deadline = scalar(rn, "deadline", where, p, /*required=*/false);
      r.anchor = scalar(rn, "anchor", where, p, /*required=*/false);
      if (!r.anchor.empty() && r.anchor != "method" && r.anchor != "field" && r.anchor != "capability")
        p.add(rn["anchor"], where, "anchor must be method, field or capability (got '" + r.anchor + "')");
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
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml") && e.path().filename() != kFeatureFile)
      files.push_back(e.path());
  }
  if (ec) throw RulePackError(dir + ": cannot list rules directory: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw RulePackError(dir + ": no rule packs (*.yaml) found");
  // A directory of packs may define its own features; most use the project's.
  const fs::path own = fs::path(dir) / kFeatureFile;
  RuleSet set;
  set.features = load_feature_file(fs::exists(own, ec) ? own.string() : std::string(MCP_LINT_SOURCE_RULES_DIR) + "/" + kFeatureFile);
  std::string errors;
  for (const auto& f : files) {
    try {
      Pack pack;
      auto rules = load_pack_file(f.string(), set.features, pack);
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
