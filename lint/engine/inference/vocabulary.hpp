#pragma once
// How the inference reads identifiers against a feature's vocabulary (the
// data in rules/features.yaml, FeatureVocabulary in engine/rule_pack.hpp).
#include <string>
#include <vector>

#include "engine/rule_pack.hpp"

namespace mcp_lint::inference {

// Lower-cased words of an identifier, split at '_' and camelCase humps, plus
// each pair of adjacent words joined ("send_log_message" → send, log,
// message, sendlog, logmessage).
std::vector<std::string> identifier_words(const std::string& identifier);

// The identifier spelled as a schema type name would be, for C-style names:
// "mcp_create_message_request_t" and "mcp_list_roots_result_impl" name
// CreateMessageRequest and ListRootsResult (snake case joined, a leading
// `mcp` and a trailing `t`/`impl` dropped, lower case). An identifier
// without '_' is returned lower-cased as it is.
std::string schema_spelling(const std::string& identifier);

// True when one of the identifier's words is a hint word of `v`.
bool has_hint_word(const std::string& identifier, const FeatureVocabulary& v);

// True when the identifier, lower-cased, contains one of `words` (a
// capabilities object: "capabilit" in `ServerCapabilitiesBuilder`).
bool contains_word(const std::string& identifier, const std::vector<std::string>& words);

}  // namespace mcp_lint::inference
