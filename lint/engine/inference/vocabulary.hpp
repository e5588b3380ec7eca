#pragma once
// What the inference knows of the protocol beyond the rule packs: the schema
// names of the deprecated features' types, the MCP log levels, and the words
// that hint at a feature inside an identifier. Facts of the 2025-11-25 schema
// (shared/spec/schema), not rules: the rules stay in rules/*.yaml, and every
// inference starts from a rule hit (a seed).
#include <string>
#include <vector>

namespace mcp_lint::inference {

struct FeatureVocabulary {
  std::string feature;                    // roots | sampling | logging
  std::vector<std::string> strong_types;  // schema type names specific enough on their own
  std::vector<std::string> weak_types;    // schema names that need a tie to the feature ("Root")
  std::vector<std::string> words;         // identifier words (lower-case, adjacent words joined) hinting at it
  // JSON field names of the feature's messages and their enumerated wire
  // values ("endTurn") (exact spelling): in a function
  // converting them to another protocol's (an LLM provider's), these keys are
  // the feature's and the others are not.
  std::vector<std::string> fields;
};

const std::vector<FeatureVocabulary>& feature_vocabulary();
const FeatureVocabulary* vocabulary_for(const std::string& feature);

// LoggingLevel of the schema (RFC 5424 severities).
const std::vector<std::string>& mcp_log_levels();

// Lower-cased words of an identifier, split at '_' and camelCase humps, plus
// each pair of adjacent words joined ("send_log_message" → send, log,
// message, sendlog, logmessage).
std::vector<std::string> identifier_words(const std::string& identifier);

// True when one of the identifier's words is a hint word of `v`.
bool has_hint_word(const std::string& identifier, const FeatureVocabulary& v);

}  // namespace mcp_lint::inference
