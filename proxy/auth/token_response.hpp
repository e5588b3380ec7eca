// The client-credentials grant's two messages (RFC 6749 §4.4) as pure
// functions: the form body the bridge sends the upstream's token endpoint,
// and what the endpoint's answer (untrusted bytes) means. Its own file, apart
// from the fetching (upstream_token_source.hpp), so the answer is unit-tested
// and fuzzed (tests/fuzz/fuzz_auth_documents.cpp) without sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcp::auth {

struct TokenTiming {
  std::chrono::seconds max_refresh_margin{60};      // refresh when min(this, lifetime/10) remains
  std::chrono::seconds default_lifetime{300};       // an answer without expires_in (RFC 6749 §5.1: RECOMMENDED)
  std::chrono::seconds max_lifetime{86'400};        // a larger expires_in is capped: refreshed at least daily
  std::chrono::milliseconds min_fetch_interval{1'000};  // between two fetch starts, whatever the reason
  std::chrono::milliseconds retry_min{1'000};       // backoff after failed fetches: min, 2*min, ... max
  std::chrono::milliseconds retry_max{60'000};
};

// The form body of the token request: grant_type=client_credentials, then
// scope (when any) and resource. The client authenticates in the header.
std::string client_credentials_request_body(const std::vector<std::string>& scopes, std::string_view resource);

// Longest access token accepted (it becomes a header on every upstream request).
inline constexpr std::size_t kMaxAccessTokenBytes = 8 * 1024;

struct IssuedToken {
  std::string access_token;
  std::chrono::seconds lifetime;
};
// The token endpoint's answer (untrusted bytes, RFC 6749 §5.1/§5.2): 200 with
// a JSON object whose token_type is "Bearer" (any case, §7.1), access_token a
// token68 string (RFC 6750 §2.1) of at most kMaxAccessTokenBytes, expires_in
// absent (default_lifetime) or a positive number of seconds (a decimal string
// too, as some servers send it), capped at max_lifetime. Else why not, fit for
// a log line and a client's error message: the HTTP status and the server's
// `error` / `error_description` (quoted, bounded), never the token.
std::variant<IssuedToken, std::string> read_token_response(unsigned status, std::string_view body,
                                                          const TokenTiming& timing);

}  // namespace mcp::auth
