#pragma once
// What one translation unit contributes to a run, fresh from libclang or from
// the result cache: its rule hits, its index facts, whether it parsed with
// errors, and the files it read. The cache payload is this, as JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/index/facts.hpp"
#include "engine/rule_pack.hpp"
#include "engine/tu_walker.hpp"

namespace mcp_lint {

struct UnitOutcome {
  std::vector<RawHit> hits;
  bool had_errors = false;
  bool failed = false;                 // libclang could not parse it at all (never cached)
  bool crashed = false;                // of failed: libclang crashed on it (its crash recovery caught it)
  std::string message;                 // first error diagnostic, or why parsing failed
  std::vector<std::string> included;   // every file the unit included (real paths), in inclusion order
  std::vector<std::string> not_found;  // where a missing #include was looked for (creating one changes the unit)
  bool has_facts = false;              // `facts` was collected (the inference is on)
  index::UnitFacts facts;
  bool from_cache = false;
};

nlohmann::json outcome_to_payload(const UnitOutcome& outcome);

// Throws nlohmann::json::exception or std::out_of_range on a payload
// outcome_to_payload did not write, or one naming a rule of a loaded pack
// that `rules` lacks. Hits of packs `rules` does not load are left out.
UnitOutcome outcome_from_payload(const nlohmann::json& payload, const RuleSet& rules);

}  // namespace mcp_lint
