#pragma once
// Second pass of the cross-unit inference: a pure function over the merged
// project index. From the seeds (rule hits: protocol anchors such as method
// strings, capability keys, the deprecated types' JSON fields) it infers the
// project's own feature APIs and feature types and reports the lines that use,
// implement, declare or wire them, each with the chain of evidence back to a
// seed and a confidence.
//
// Evidence, strongest first (the confidence of each rule is in propagation.cpp):
// - feature API: a function whose body holds a method seed of the feature (or
//   a field seed, in at most 80 lines) and no more than one protocol concern
//   (a dispatcher that handles many methods, or a capability builder listing
//   several features, is not one: its seed lines are reported, its callers are
//   not); its overrides and overridden methods; a caller only when the evidence
//   is strong: it returns the API's result (a wrapper), its name (or namespace)
//   carries the feature's word, it takes, returns, holds or names a feature
//   type, or it calls the feature's APIs from two lines; a lambda handed to an
//   API named for the feature. A generic `send_request(method, params)` called
//   with a seed literal is not an API (the literal is the seed, in the caller).
//   A body dense with the feature counts line by line.
// - feature type: a schema type name (CreateMessageRequest), a weak schema name
//   (Root), a project type named for the feature (SamplingParams) or an enum of
//   the MCP log levels tied to the feature's APIs, or a project type that only
//   the feature's seed-holding APIs take or return.
// - tied names: members and variables named for the feature that its APIs or
//   its method string's function use, and the getters named for it that touch them.
// - hint (low confidence): a member or method whose name carries the feature's
//   word, in a class that has a feature API.
// Depth is bounded (InferenceOptions::max_depth).
#include <functional>
#include <string>
#include <vector>

#include "engine/index/facts.hpp"
#include "engine/rule_pack.hpp"

namespace mcp_lint::inference {

struct Seed {
  std::string feature;
  index::Loc at;
  std::string what;  // "sends or handles sampling/createMessage" (the rule's message, first clause)
  std::string anchor;  // the rule's anchor: method, field, capability or empty (rule_pack.hpp); kFamilyAnchor (method_family.hpp)
};

struct Step {
  index::Loc at;
  std::string text;  // "calls mcp::Client::create_message", "sends or handles sampling/createMessage"
};

struct Inferred {
  std::string feature;
  index::Loc at;
  int confidence = 0;        // 0..100 (SARIF rank)
  std::string summary;       // what this line does: "calls mcp::Client::create_message"
  std::vector<Step> chain;   // from the site's target down to the seed
};

struct InferenceOptions {
  int max_depth = 3;  // caller/type promotions beyond the seeds
};

// Confidence bands (--min-confidence).
constexpr int kHighConfidence = 80;
constexpr int kMediumConfidence = 50;

// `seeds` are every rule hit (any feature: hits of other features tell a
// dispatcher); inference runs for the catalog's features that have a
// vocabulary (features.yaml `inference`).
std::vector<Inferred> infer(const index::ProjectIndex& index, const std::vector<Seed>& seeds, const FeatureCatalog& catalog,
                            const InferenceOptions& options = {});

// "calls A, which calls B at x.cpp:30, which sends ... at x.cpp:120"; `where`
// renders a position ("x.cpp:120").
std::string explain(const Inferred& inferred, const std::function<std::string(index::Loc)>& where);

}  // namespace mcp_lint::inference
