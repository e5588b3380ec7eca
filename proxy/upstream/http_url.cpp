#include "upstream/http_url.hpp"

#include <algorithm>
#include <cctype>

namespace mcp::upstream {

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  HttpUrl out;
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    error = "URL contains whitespace or control characters";
    return std::nullopt;
  }
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    error = "URL must start with http:// or https://";
    return std::nullopt;
  }
  if (rest.find('#') != std::string_view::npos) {
    error = "URL must not contain a fragment";
    return std::nullopt;
  }
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target = path_start == std::string_view::npos ? "/" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    error = "URL must not contain user information; pass credentials as a header instead";
    return std::nullopt;
  }
  if (authority.empty()) {
    error = "URL has no host";
    return std::nullopt;
  }
  out.host_header = std::string(authority);
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "URL has an unterminated IPv6 literal";
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "URL has garbage after the IPv6 literal";
        return std::nullopt;
      }
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    error = "URL has no host";
    return std::nullopt;
  }
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      error = "URL has an invalid port";
      return std::nullopt;
    }
    out.port = std::string(port);
  }
  out.target = target.starts_with('?') ? "/" + std::string(target) : std::string(target);
  return out;
}

}  // namespace mcp::upstream
