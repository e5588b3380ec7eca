// OAuth 2.0 Protected Resource Metadata (RFC 9728), the URLs and the document.
// Passthrough mode: the upstream is the protected resource, the bridge serves
// the upstream's document with `resource` naming the bridge's canonical public
// URL, because a 2026-07-28 client checks that the metadata it fetched belongs
// to the URL it talks to (RFC 9728 §3.3) and asks for a token bound to it
// (RFC 8707). Resource-server mode: the bridge builds its own document
// (own_prm_document). Pure functions over strings and JSON; the fetching is in
// metadata_proxy.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::auth {

inline constexpr std::string_view kWellKnownPrefix = "/.well-known/oauth-protected-resource";

// The metadata URLs of a resource, in the order a client tries them
// (RFC 9728 §3.1, authorization-server-discovery.mdx): the well-known prefix
// inserted between the origin and the path (query and a trailing '/'
// dropped), then the root form when the path is not empty. Empty for a URL
// that is not absolute http(s).
std::vector<std::string> well_known_metadata_urls(std::string_view resource_url);

// The bridge's own metadata URL for its public URL: the path-suffixed form.
std::string metadata_url_for(std::string_view public_url);

// scheme://host[:port] of an absolute http(s) URL, lower-cased scheme and
// host, default port elided; nullopt otherwise.
std::optional<std::string> origin_of(std::string_view url);

// The public URL when --public-url is not given: http://HOST:PORT/mcp from
// the listen address (IPv6 in brackets; a wildcard address becomes localhost,
// which only local clients can use: set --public-url behind a proxy).
std::string default_public_url(std::string_view listen_host, std::uint16_t port);

// Error text of a --public-url that cannot serve as a canonical resource URI
// (RFC 8707 §2: absolute http(s), no fragment), or nullopt when it can.
std::optional<std::string> check_public_url(std::string_view url);

// The RFC 8707 §2 comparison form of a resource URI: lower-cased scheme and
// host, default port elided, no trailing '/', query kept; nullopt when not
// absolute http(s). Two URIs name the same resource when their forms are equal
// (authorization/index.mdx: accept upper-case scheme and host).
std::optional<std::string> canonical_resource_uri(std::string_view url);

// The bridge's own document in resource-server mode (RFC 9728 §2):
// resource = the canonical public URL, the authorization servers, the
// supported scopes (omitted when none are configured), and bearer tokens in
// the Authorization header only (RFC 6750 §2.1; tokens never in the query).
nlohmann::json own_prm_document(std::string_view public_url, const std::vector<std::string>& authorization_servers,
                                const std::vector<std::string>& scopes_supported);

// The upstream's metadata document (untrusted bytes) with `resource`
// replaced by `public_url`. `signed_metadata` is dropped: its signed claims
// name the upstream, and a client that checks them would reject the
// rewrite. Errors (not JSON, not an object, authorization_servers not a
// non-empty array of strings) come back as text for the log and the 502.
std::variant<nlohmann::json, std::string> rewrite_prm_document(std::string_view body, std::string_view public_url);

}  // namespace mcp::auth
