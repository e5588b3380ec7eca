#pragma once
// The last pass of the inference: what is named for a feature around the
// code already found for it. Judged on the sites the earlier passes found
// (rule hits, and inferred sites of at least medium confidence: the
// "evidence"), never on a name alone, so a filesystem `roots` namespace, the
// program's own `logging` module or an error about audio sampling stay
// silent.
// - Modules. A namespace whose name carries a feature's word
//   (`fastmcpp::client::sampling`) and whose blocks hold kModuleEvidence
//   evidence lines, and a header named for the feature
//   (`sampling_handlers.hpp`) that holds as many: each block's opening line,
//   every alias or using directive naming such a namespace, and every
//   #include of such a header (the lines an auditor renames or deletes with
//   the feature).
// - Errors. The message of an exception thrown by a function with evidence of
//   the feature at most kThrownTextReach lines away, naming the feature
//   ("No sampling handler configured"): the error path the migration changes.
//   Log lines are not kept (the program's own diagnostics).
#include <vector>

#include "engine/index/facts.hpp"
#include "engine/inference/propagation.hpp"
#include "engine/rule_pack.hpp"

namespace mcp_lint::inference {

constexpr unsigned kModuleEvidence = 2;  // distinct evidence lines inside a module
constexpr int kModuleConfidence = 60;
constexpr unsigned kThrownTextReach = 12;  // lines between a thrown message and the feature's code
constexpr int kThrownTextConfidence = 55;

// `found`: the inference's results so far (one per feature, file and line);
// returns the new sites, which may repeat lines of `found` (the caller keeps one per line).
std::vector<Inferred> infer_named_for_feature(const index::ProjectIndex& idx, const std::vector<Seed>& seeds,
                                              const std::vector<Inferred>& found, const FeatureCatalog& catalog);

}  // namespace mcp_lint::inference
