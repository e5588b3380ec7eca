// Canonical JSON text for use as a map key (pool keys: the same client
// capabilities sent with keys in a different order must share a session).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mcp::translate {

// Object keys sorted at every depth, no whitespace. Arrays keep their order
// (order is meaningful in JSON arrays).
std::string canonical_json(const nlohmann::json& value);
// The same text appended to `out` (no intermediate string). Throws what
// json::dump throws (invalid UTF-8 in a string).
void append_canonical_json(std::string& out, const nlohmann::json& value);

}  // namespace mcp::translate
