// The `WWW-Authenticate` challenge of an upstream 401/403, as the bridge
// passes it to its client in passthrough mode (auth/README in the header of
// passthrough.hpp): unchanged, except that the `resource_metadata` parameter
// (RFC 9728 §5.1) names the bridge's own Protected Resource Metadata URL, so
// the client discovers the authorization server through the bridge and binds
// its token to the bridge's canonical URL (RFC 8707, authorization/index.mdx).
//
// Syntax: RFC 9110 §11.6.1 (challenge = auth-scheme [ 1*SP ( token68 /
// #auth-param ) ], auth-param = token BWS "=" BWS ( token / quoted-string )).
// Pure, never throws; the header comes from the upstream and is hostile.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::auth {

// The value of the `resource_metadata` auth-param (quoted-string unescaped),
// or nullopt when the header has none.
std::optional<std::string> find_resource_metadata(std::string_view www_authenticate);

// `www_authenticate` with its `resource_metadata` value replaced by
// `metadata_url` (as a quoted-string). Without one: a single Bearer challenge
// gets the parameter appended; an empty header (a 401 without a challenge,
// which RFC 6750 §3 does not allow) becomes `Bearer resource_metadata="…"`;
// anything else (other schemes, several challenges) is returned unchanged.
std::string rewrite_resource_metadata(std::string_view www_authenticate, std::string_view metadata_url);

// The bridge's own challenge in resource-server mode (RFC 6750 §3, RFC 9728
// §5.1, authorization/index.mdx "Error Handling"):
//   Bearer resource_metadata="URL"[, scope="a b"][, error="E"][, error_description="D"]
// `error` empty for a request without a token (RFC 6750 §3.1: no error code
// then); "invalid_token" (401) or "insufficient_scope" (403) otherwise.
// `scopes` empty: no scope parameter. Values are quoted; control characters dropped.
std::string bearer_challenge(std::string_view metadata_url, const std::vector<std::string>& scopes,
                             std::string_view error = {}, std::string_view description = {});

// JSON-RPC error code of the body of a 401/403 answer. A client reacts to the
// HTTP status and the header (authorization/index.mdx "Error Handling",
// RFC 6750 §3); the body only says the same to a reader of JSON-RPC.
inline constexpr int kAuthorizationErrorCode = -32001;

// The JSON-RPC error response for an upstream 401/403 to request `id`; the
// upstream's challenge is not repeated in the body.
nlohmann::json authorization_error_response(const nlohmann::json& id, unsigned http_status);
// The same with the bridge's own message (resource-server mode).
nlohmann::json authorization_error_response(const nlohmann::json& id, unsigned http_status, std::string message);

}  // namespace mcp::auth
