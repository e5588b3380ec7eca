#include "engine/inference/method_family.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

namespace mcp_lint::inference {

std::string method_family(const std::string& method) {
  std::string_view m = method;
  if (m.starts_with("notifications/")) m.remove_prefix(std::string_view("notifications/").size());
  return std::string(m.substr(0, m.find('/')));
}

std::vector<FamilySeed> family_seeds(const index::ProjectIndex& idx, const std::vector<Seed>& seeds, const FeatureCatalog& catalog) {
  std::multimap<std::pair<std::uint32_t, unsigned>, const index::MethodLiteralFact*> literals_at;
  for (const auto& m : idx.method_literals) literals_at.emplace(std::make_pair(m.at.file, m.at.line), &m);

  // (feature, family) -> the rule's seed that found a standard method of it, and that method.
  std::map<std::pair<std::string, std::string>, std::pair<const Seed*, std::string>> families;
  std::set<std::tuple<std::string, std::uint32_t, unsigned>> seeded;  // (feature, file, line)
  for (const auto& s : seeds) {
    seeded.emplace(s.feature, s.at.file, s.at.line);
    const FeatureVocabulary* v = nullptr;
    for (const auto& f : catalog.features)
      if (f.id == s.feature && f.inference) v = &*f.inference;
    if (!v) continue;
    auto [b, e] = literals_at.equal_range({s.at.file, s.at.line});
    for (auto it = b; it != e; ++it) {
      const std::string family = method_family(it->second->value);
      if (std::find(v->words.begin(), v->words.end(), family) != v->words.end())
        families.try_emplace({s.feature, family}, &s, it->second->value);
    }
  }

  std::vector<FamilySeed> out;
  for (const auto& m : idx.method_literals) {
    const std::string family = method_family(m.value);
    for (const auto& [key, standard] : families) {
      if (key.second != family || seeded.count({key.first, m.at.file, m.at.line})) continue;
      seeded.emplace(key.first, m.at.file, m.at.line);
      out.push_back(FamilySeed{Seed{key.first, m.at, "sends or handles " + m.value + ", a " + key.first + " method", kFamilyAnchor},
                               Step{standard.first->at, "shares the prefix of " + standard.second}});
    }
  }
  return out;
}

}  // namespace mcp_lint::inference
