// Mcp-Param-{Name} validation against a tool's x-mcp-header annotations
// (basic/transports/streamable-http.mdx "Custom Headers from Tool Parameters",
// "Server Validation"; server/tools.mdx "x-mcp-header").
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mcp::translate {

using json = nlohmann::json;

struct HeaderParam {
  std::string header_name;        // the x-mcp-header value, as declared
  std::vector<std::string> path;  // chain of `properties` keys from the schema root
  std::string type;               // declared JSON Schema type ("string", "integer", "boolean", ...)
};

// Annotations statically reachable from the root through `properties` only
// (bounded depth); annotations elsewhere are not mirrored and are ignored.
std::vector<HeaderParam> header_params(const json& input_schema);

// Validates the headers of a tools/call against the tool definition.
// `headers` is keyed by the lower-cased {name} of Mcp-Param-{name}.
// Returns a HeaderMismatch message, or nullopt when everything matches:
//  - value in the body but header missing -> mismatch
//  - header present but no value in the body -> mismatch
//  - invalid characters / invalid Base64 sentinel -> mismatch
//  - decoded header differs from the body (integers compared numerically,
//    booleans as lowercase "true"/"false") -> mismatch
// Headers naming no annotated parameter are ignored (the spec says forward and ignore).
std::optional<std::string> validate_param_headers(const json& tool, const json& arguments,
                                                  const std::map<std::string, std::string>& headers);

}  // namespace mcp::translate
