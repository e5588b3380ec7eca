#include "frontend/unit_outcome.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/index/facts_json.hpp"

namespace mcp_lint {

using nlohmann::json;

namespace {

bool of_a_loaded_pack(const std::string& full_id, const RuleSet& rules) {
  return std::any_of(rules.packs.begin(), rules.packs.end(),
                     [&](const Pack& p) { return full_id.size() > p.id.size() && full_id.compare(0, p.id.size(), p.id) == 0 && full_id[p.id.size()] == '/'; });
}

}  // namespace

json outcome_to_payload(const UnitOutcome& o) {
  json hits = json::array();
  for (const auto& h : o.hits) hits.push_back(json::array({h.rule->full_id, h.abs_file, h.line, h.column}));
  json j{{"hits", hits},          {"had_errors", o.had_errors}, {"message", o.message},
         {"included", o.included}, {"not_found", o.not_found},   {"has_facts", o.has_facts}};
  if (o.has_facts) j["facts"] = index::facts_to_json(o.facts);
  return j;
}

UnitOutcome outcome_from_payload(const json& j, const RuleSet& rules) {
  UnitOutcome o;
  for (const auto& h : j.at("hits")) {
    if (!h.is_array() || h.size() != 4) throw std::out_of_range("cached hit is not [rule, file, line, column]");
    const auto full_id = h.at(0).get<std::string>();
    const Rule* rule = rules.find(full_id);
    if (!rule) {
      // An entry holds the hits of every pack of the run that wrote it; a
      // run with fewer packs takes its own (cache_key.hpp, run_salt).
      if (!of_a_loaded_pack(full_id, rules)) continue;
      throw std::out_of_range("cached hit names an unknown rule " + full_id);
    }
    o.hits.push_back(RawHit{rule, h.at(1).get<std::string>(), h.at(2).get<unsigned>(), h.at(3).get<unsigned>()});
  }
  j.at("had_errors").get_to(o.had_errors);
  j.at("message").get_to(o.message);
  j.at("included").get_to(o.included);
  j.at("not_found").get_to(o.not_found);
  j.at("has_facts").get_to(o.has_facts);
  if (o.has_facts) o.facts = index::facts_from_json(j.at("facts"));
  o.from_cache = true;
  return o;
}

}  // namespace mcp_lint
