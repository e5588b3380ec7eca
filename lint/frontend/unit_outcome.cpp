#include "frontend/unit_outcome.hpp"

#include <stdexcept>

#include "engine/index/facts_json.hpp"

namespace mcp_lint {

using nlohmann::json;

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
    const Rule* rule = rules.find(h.at(0).get<std::string>());
    if (!rule) throw std::out_of_range("cached hit names an unknown rule " + h.at(0).get<std::string>());
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
