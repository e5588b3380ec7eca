#pragma once
// Method families. MCP names a feature's methods under the feature's own
// prefix (`roots/list`, `notifications/roots/list_changed`,
// `sampling/createMessage`, `logging/setLevel`); a project that speaks the
// feature often adds methods of its own under the same prefix
// (`sampling/request`, `notifications/sampling`, a test's
// `roots/list_changed`). Those strings are protocol anchors, not names: a
// method string whose family is a feature's word, in a project where a rule
// already found a standard method of that family, seeds the inference like
// the rule's own method strings.
#include <string>
#include <vector>

#include "engine/index/facts.hpp"
#include "engine/inference/propagation.hpp"
#include "engine/rule_pack.hpp"

namespace mcp_lint::inference {

constexpr int kFamilyMethodConfidence = 80;
// The anchor of a family seed: its line is the feature's method, but unlike a
// rule's method string it does not make the function holding it an API.
constexpr const char* kFamilyAnchor = "family-method";

// A method's family: its first segment after `notifications/` ("roots" for
// roots/list, notifications/roots/list_changed and roots/list_changed_count).
std::string method_family(const std::string& method);

struct FamilySeed {
  Seed seed;       // the project's own method string, as a seed of the feature (anchor kFamilyAnchor)
  Step family_of;  // the rule's hit on a standard method of the same family
};

// The method strings of the index whose family is one of a feature's words
// and the family of a method string a rule matched for that feature (a
// method string on a seed's line). Strings on a line a rule already seeded for the
// feature are left out.
std::vector<FamilySeed> family_seeds(const index::ProjectIndex& idx, const std::vector<Seed>& seeds, const FeatureCatalog& catalog);

}  // namespace mcp_lint::inference
