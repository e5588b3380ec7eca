#include "auth/resource_metadata.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>

#include "translate/json_input.hpp"

namespace mcp::auth {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Split {
  std::string origin;  // scheme://authority (lower-cased, default port elided)
  std::string path;    // without a trailing '/', "" for the root
};

std::optional<Split> split(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  const std::string scheme = lower(std::string(parsed->scheme()));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (!parsed->has_authority() || parsed->encoded_host().empty() || parsed->has_userinfo()) return std::nullopt;
  Split s;
  s.origin = scheme + "://" + lower(std::string(parsed->encoded_host_and_port()));
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (s.origin.size() > default_port.size() &&
      s.origin.compare(s.origin.size() - default_port.size(), default_port.size(), default_port) == 0)
    s.origin.resize(s.origin.size() - default_port.size());
  s.path = std::string(parsed->encoded_path());
  while (!s.path.empty() && s.path.back() == '/') s.path.pop_back();
  return s;
}

}  // namespace

std::vector<std::string> well_known_metadata_urls(std::string_view resource_url) {
  auto s = split(resource_url);
  if (!s) return {};
  std::vector<std::string> out;
  if (!s->path.empty()) out.push_back(s->origin + std::string(kWellKnownPrefix) + s->path);
  out.push_back(s->origin + std::string(kWellKnownPrefix));
  return out;
}

std::string metadata_url_for(std::string_view public_url) {
  auto urls = well_known_metadata_urls(public_url);
  return urls.empty() ? std::string() : urls.front();
}

std::optional<std::string> origin_of(std::string_view url) {
  auto s = split(url);
  if (!s) return std::nullopt;
  return s->origin;
}

std::string default_public_url(std::string_view listen_host, std::uint16_t port) {
  std::string host(listen_host);
  if (host.empty() || host == "0.0.0.0" || host == "::") host = "localhost";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port) + "/mcp";
}

std::optional<std::string> check_public_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);  // absolute, fragment allowed (to say why it is refused)
  if (!parsed) return "must be an absolute URL such as https://mcp.example.com/mcp";
  if (parsed->has_fragment()) return "must not have a fragment (RFC 8707 §2)";
  if (!split(url)) return "must be an http:// or https:// URL with a host and no user info";
  return std::nullopt;
}

std::optional<std::string> canonical_resource_uri(std::string_view url) {
  auto s = split(url);
  if (!s) return std::nullopt;
  auto parsed = boost::urls::parse_absolute_uri(url);
  std::string query = parsed && parsed->has_query() ? "?" + std::string(parsed->encoded_query()) : std::string();
  return s->origin + s->path + query;
}

nlohmann::json own_prm_document(std::string_view public_url, const std::vector<std::string>& authorization_servers,
                                const std::vector<std::string>& scopes_supported) {
  nlohmann::json doc = {{"resource", std::string(public_url)},
                        {"authorization_servers", authorization_servers},
                        {"bearer_methods_supported", nlohmann::json::array({"header"})}};
  if (!scopes_supported.empty()) doc["scopes_supported"] = scopes_supported;
  return doc;
}

std::variant<nlohmann::json, std::string> rewrite_prm_document(std::string_view body, std::string_view public_url) {
  auto parsed = translate::parse_json(body, translate::InvalidUtf8::Reject);
  if (!parsed.ok()) return "the upstream's protected resource metadata is not JSON (" + parsed.error + ")";
  nlohmann::json doc = std::move(parsed.value);
  if (!doc.is_object()) return std::string("the upstream's protected resource metadata is not a JSON object");
  auto servers = doc.find("authorization_servers");
  if (servers == doc.end() || !servers->is_array() || servers->empty() ||
      !std::all_of(servers->begin(), servers->end(), [](const nlohmann::json& s) { return s.is_string(); }))
    return std::string(
        "the upstream's protected resource metadata has no authorization_servers array of URLs (RFC 9728 §2)");
  doc["resource"] = std::string(public_url);
  doc.erase("signed_metadata");
  return doc;
}

}  // namespace mcp::auth
