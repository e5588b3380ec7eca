// Resource-server mode without --auth-jwks-url: where an issuer's signing
// keys are, from its authorization server metadata (RFC 8414, OpenID Connect
// Discovery 1.0). Pure functions over strings and JSON; the fetching is in
// jwks_discovery.hpp.
//
// The order of the well-known URLs is the one authorization-server-discovery.mdx
// ("Authorization Server Metadata Discovery") makes clients follow; the bridge
// uses the same order so it finds what the clients find:
//   issuer with a path (https://as.example/tenant1):
//     1. https://as.example/.well-known/oauth-authorization-server/tenant1
//     2. https://as.example/.well-known/openid-configuration/tenant1
//     3. https://as.example/tenant1/.well-known/openid-configuration
//   issuer without a path (https://as.example):
//     1. https://as.example/.well-known/oauth-authorization-server
//     2. https://as.example/.well-known/openid-configuration
// A terminating '/' of the issuer is removed first (RFC 8414 §3.1).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcp::auth {

// The metadata URLs of `issuer`, in the order to try. Empty when the issuer
// cannot be one (RFC 8414 §2: absolute http(s), no user info, no query, no
// fragment).
std::vector<std::string> authorization_server_metadata_urls(std::string_view issuer);

struct DiscoveredJwksUri {
  std::string url;
};

// Validates a fetched metadata document (untrusted bytes) for `issuer`, the
// identifier the well-known URL was built from:
//   - a JSON object;
//   - `issuer` identical to `issuer` (RFC 8414 §3.3, OpenID Connect Discovery
//     §4.3; authorization-server-discovery.mdx: otherwise the metadata MUST NOT
//     be used: a document that names another issuer is an impersonation);
//   - `jwks_uri` an absolute https URL without a fragment, or http when its host
//     is loopback (127.0.0.0/8, ::1, localhost: local test servers).
// The jwks_uri, or the reason the document is refused (for the log).
std::variant<DiscoveredJwksUri, std::string> jwks_uri_from_metadata(std::string_view body, std::string_view issuer);

// Whether the bridge may send a credential to `url` (or trust keys from it):
// an absolute https URL, or http when its host is loopback (as for jwks_uri
// above; the upstream token endpoint, upstream_token_source.hpp).
bool https_or_loopback(std::string_view url);

// A string from an untrusted document, fit for a log line or an error
// message: quoted, at most 200 bytes cut at a character boundary ("...(N
// bytes)" appended when cut), valid UTF-8, control characters replaced.
std::string for_log(std::string_view text);

}  // namespace mcp::auth
