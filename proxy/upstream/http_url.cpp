#include "upstream/http_url.hpp"

#include <algorithm>
#include <charconv>

#include <boost/url/parse.hpp>

namespace mcp::upstream {

// Boost.URL does the RFC 3986 parsing; this adds what an upstream URL must
// satisfy on top: http(s) only, a host, no credentials, no fragment.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    error = "URL contains whitespace or control characters";
    return std::nullopt;
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    // parse_absolute_uri rejects fragments; say so rather than "syntax error".
    error = url.find('#') != std::string_view::npos ? "URL must not contain a fragment"
                                                     : "URL is not valid: " + parsed.error().message();
    return std::nullopt;
  }
  const auto& u = *parsed;
  HttpUrl out;
  if (u.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    error = "URL must start with http:// or https://";
    return std::nullopt;
  }
  if (u.has_userinfo()) {
    error = "URL must not contain user information; pass credentials as a header instead";
    return std::nullopt;
  }
  // host_name() for names, the address without brackets for IP literals.
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                            : std::string(u.encoded_host());
  if (out.host.empty()) {
    error = "URL has no host";
    return std::nullopt;
  }
  if (u.has_port()) {
    // port_number() wraps values above 65535, so judge the digits themselves.
    unsigned long port = 0;
    const auto digits = u.port();
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      error = "URL has an invalid port";
      return std::nullopt;
    }
    out.port = std::string(u.port());
  } else {
    out.port = out.tls ? "443" : "80";
  }
  out.host_header = std::string(u.encoded_host_and_port());
  out.target = std::string(u.encoded_target());
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  return out;
}

}  // namespace mcp::upstream
