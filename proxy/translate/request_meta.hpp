// Reading and validating the per-request protocol fields of a 2026-07-28
// request (basic/index.mdx "_meta", basic/versioning.mdx).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

namespace mcp::translate {

using json = nlohmann::json;

struct RequestMeta {
  std::string protocol_version;
  json client_capabilities = json::object();  // always an object
  json client_info;                           // Implementation object, or null when absent
  std::optional<std::string> log_level;       // io.modelcontextprotocol/logLevel
  json progress_token;                        // string/integer, or null when absent
};

// A rejection: the JSON-RPC error object and the HTTP status the spec demands.
struct MetaError {
  unsigned http_status = 400;
  int code = 0;
  std::string message;
  json data;  // null when none
};

using MetaResult = std::variant<RequestMeta, MetaError>;

// Reads params._meta. Missing/ill-typed required fields (protocolVersion,
// clientCapabilities) -> -32602, HTTP 400. Does not judge the version.
MetaResult read_request_meta(const json& params);

// nullopt when `requested` is served; otherwise -32022 with
// data {supported: [...], requested} (UnsupportedProtocolVersionError), HTTP 400.
std::optional<MetaError> check_protocol_version(const std::string& requested);

// Severity rank of a LoggingLevel name ("debug" = 0 ... "emergency" = 7), or -1.
int log_level_rank(const std::string& level);

}  // namespace mcp::translate
