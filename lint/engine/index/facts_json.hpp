#pragma once
// UnitFacts <-> JSON, for the result cache (lint/cache/): a cached unit gives
// the inference exactly the facts a fresh parse would, so cached and fresh
// runs print the same findings.
//
// Every field of every fact is written, by name. tests/lint/facts_json_test.cpp
// keeps this exhaustive: it walks every field of every fact struct (Boost.PFR),
// fails while its sample leaves one at its default, and round-trips the
// sample. A field added to facts.hpp therefore fails that test until it is set
// there and written and read here.
#include <nlohmann/json.hpp>

#include "engine/index/facts.hpp"

namespace mcp_lint::index {

nlohmann::json facts_to_json(const UnitFacts& facts);

// Throws nlohmann::json::exception (type_error, out_of_range) on a document
// facts_to_json did not write (a missing field, a wrong type), and
// std::out_of_range when a position names a file index the unit does not have.
UnitFacts facts_from_json(const nlohmann::json& j);

}  // namespace mcp_lint::index
