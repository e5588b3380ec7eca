// Parsing the upstream URL given on the command line. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp::upstream {

struct HttpUrl {
  bool tls = false;        // https
  std::string host;        // without brackets for IPv6 literals
  std::string port;        // explicit or the scheme default
  std::string target;      // path + query, at least "/"
  std::string host_header; // what goes into `Host:` (host[:port] as written)
};

// Accepts http://host[:port][/path][?query] and https://...; rejects
// userinfo, fragments, other schemes, control characters. Returns nullopt and
// sets `error` when the URL is not usable.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

}  // namespace mcp::upstream
