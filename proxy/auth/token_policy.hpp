// Resource-server mode, the decision: may the claims of a verified access
// token (a JWT whose signature jwt_verify.hpp checked) make this request?
// Pure: claims + policy + the request + now -> the principal, or the refusal
// with what its challenge must say. No I/O, no clock of its own.
//
// Checks, in this order (OAuth 2.1 §5.2, RFC 9068 §4, authorization/index.mdx
// "Token Handling", security-considerations.mdx "Access Token Privilege
// Restriction"):
//   1. `iss` is one of the configured issuers (exact string comparison)
//   2. `aud` (a string or an array) names the bridge's audience (RFC 8707;
//      compared in canonical form, so upper-case scheme/host still match)
//   3. `exp` present and now < exp + skew; `nbf`, if present, <= now + skew
//   4. the token names someone: `sub`, or `client_id`/`azp` for a
//      client-credentials token (else two users could share a principal)
//   5. the granted scopes (`scope` string, RFC 9068 §2.2.3; or an `scp` array)
//      hold every scope the request needs (required_scopes); otherwise 403
//      insufficient_scope naming all of them in one challenge.
// Failures 1-4 are 401 invalid_token. Scope hierarchies are not inferred: a
// scope satisfies only a requirement for exactly that scope.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::auth {

struct TokenPolicy {
  std::vector<std::string> issuers;     // accepted `iss` values
  std::string audience;                 // the bridge's canonical URI
  std::vector<std::string> scopes_supported;  // advertised; also the scope of a 401 challenge
  std::vector<std::string> required_scopes;   // every request
  // "METHOD" or "METHOD:NAME" (params.name) -> scopes that operation needs.
  std::map<std::string, std::vector<std::string>> operation_scopes;
  std::chrono::seconds clock_skew{60};
};

// Who a validated token speaks for. The session key of resource-server mode:
// a refreshed token of the same principal maps to the same key, two
// principals never do.
struct Principal {
  std::string issuer;
  std::string subject;            // `sub`, "" for a token without one
  std::string client;             // `client_id`, else `azp`, else ""
  std::vector<std::string> scopes;  // granted, sorted, unique

  // Stable, unambiguous text of all four parts (canonical JSON); carries no
  // token material, so it may stand where the bridge keyed by Authorization.
  std::string key() const;
};

struct Refusal {
  unsigned http_status = 401;       // 401 or 403
  std::string error;                // "" (no token), "invalid_token", "insufficient_scope"
  std::vector<std::string> scopes;  // the challenge's scope parameter
  std::string description;          // for error_description and the JSON-RPC message; no token text
};

using TokenDecision = std::variant<Principal, Refusal>;

// The scopes `message` (a JSON-RPC request) needs: the global ones, then its
// method's, then METHOD:NAME's when params.name is a string. Unique, in that order.
std::vector<std::string> required_scopes(const TokenPolicy& policy, const nlohmann::json& message);

// The scope parameter of a 401 (no token, or a bad one): what the client
// should ask for, the supported scopes plus what this request needs.
std::vector<std::string> challenge_scopes(const TokenPolicy& policy, const std::vector<std::string>& needed);

// The decision for verified `claims` (the JWT payload, untrusted JSON of any shape).
TokenDecision decide(const nlohmann::json& claims, const TokenPolicy& policy, const std::vector<std::string>& needed,
                     std::chrono::system_clock::time_point now);

// The scopes a token grants: `scope` (space-separated string) or `scp`
// (array of strings, or a string); sorted, unique.
std::vector<std::string> granted_scopes(const nlohmann::json& claims);

}  // namespace mcp::auth
