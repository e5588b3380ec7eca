#include "auth/authorization_server_metadata.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

#include "auth/resource_metadata.hpp"
#include "translate/json_input.hpp"
#include "translate/wire_text.hpp"

namespace mcp::auth {

namespace {

using boost::beast::iequals;

constexpr std::string_view kOAuthSuffix = "/.well-known/oauth-authorization-server";
constexpr std::string_view kOpenIdSuffix = "/.well-known/openid-configuration";

bool loopback_host(const boost::urls::url_view& u) {
  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      return u.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return u.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return iequals(u.encoded_host(), "localhost");
    default:
      return false;
  }
}

}  // namespace

std::string for_log(std::string_view text) {
  // Cut at a character boundary and made valid (translate::abbreviate): a cut
  // through a UTF-8 sequence made the message unserialisable (issue 9; the
  // token endpoint's error_description, tests/fuzz/fuzz_auth_documents).
  std::string out = "'";
  for (char c : translate::abbreviate(text, 200)) out += std::iscntrl(static_cast<unsigned char>(c)) ? '?' : c;
  return out + "'";
}

bool https_or_loopback(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url || !origin_of(text)) return false;
  return iequals(url->scheme(), "https") || loopback_host(*url);
}

std::vector<std::string> authorization_server_metadata_urls(std::string_view issuer) {
  auto origin = origin_of(issuer);  // http(s), a host, no user info
  auto parsed = boost::urls::parse_absolute_uri(issuer);
  if (!origin || !parsed || parsed->has_query() || parsed->has_fragment()) return {};
  std::string path(parsed->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty()) return {*origin + std::string(kOAuthSuffix), *origin + std::string(kOpenIdSuffix)};
  return {*origin + std::string(kOAuthSuffix) + path, *origin + std::string(kOpenIdSuffix) + path,
          *origin + path + std::string(kOpenIdSuffix)};
}

std::variant<DiscoveredJwksUri, std::string> jwks_uri_from_metadata(std::string_view body, std::string_view issuer) {
  auto parsed = translate::parse_json(body, translate::InvalidUtf8::Reject);
  if (!parsed.ok()) return "the metadata is not JSON (" + parsed.error + ")";
  const auto& doc = parsed.value;
  if (!doc.is_object()) return std::string("the metadata is not a JSON object");
  auto iss = doc.find("issuer");
  if (iss == doc.end() || !iss->is_string())
    return std::string("the metadata has no issuer (RFC 8414 §2)");
  if (iss->get_ref<const std::string&>() != issuer)
    return "the metadata names the issuer " + for_log(iss->get_ref<const std::string&>()) + ", not " +
           for_log(issuer) + " (RFC 8414 §3.3: not used)";
  auto jwks = doc.find("jwks_uri");
  if (jwks == doc.end() || !jwks->is_string()) return std::string("the metadata has no jwks_uri");
  const std::string& uri = jwks->get_ref<const std::string&>();
  auto url = boost::urls::parse_uri(uri);  // absolute, fragment allowed (to say why it is refused)
  if (url && url->has_fragment()) return "the jwks_uri " + for_log(uri) + " has a fragment";
  if (!url || !origin_of(uri)) return "the jwks_uri " + for_log(uri) + " is not an absolute http(s) URL";
  if (!https_or_loopback(uri))
    return "the jwks_uri " + for_log(uri) + " is not https (http is accepted for loopback hosts only)";
  return DiscoveredJwksUri{uri};
}

}  // namespace mcp::auth
