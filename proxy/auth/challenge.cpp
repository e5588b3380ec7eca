#include "auth/challenge.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <cctype>
#include <cstddef>
#include <utility>

#include "translate/jsonrpc.hpp"

namespace mcp::auth {

namespace {

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool is_ws(char c) { return c == ' ' || c == '\t'; }

using boost::beast::iequals;

// What one left-to-right pass over the header found.
struct Scan {
  std::size_t schemes = 0;        // auth-schemes (challenges) seen
  std::string first_scheme;
  bool has_token68 = false;
  // The resource_metadata value, [begin, end) in the header, quotes included.
  std::optional<std::pair<std::size_t, std::size_t>> value_span;
  std::string value;              // unescaped
};

// Reads a quoted-string starting at h[i] == '"'; returns the index past it
// (h.size() if unterminated) and appends the unescaped text to `out`.
std::size_t read_quoted(std::string_view h, std::size_t i, std::string& out) {
  for (++i; i < h.size(); ++i) {
    if (h[i] == '\\' && i + 1 < h.size()) {
      out += h[++i];
    } else if (h[i] == '"') {
      return i + 1;
    } else {
      out += h[i];
    }
  }
  return h.size();
}

Scan scan(std::string_view h) {
  Scan s;
  std::size_t i = 0;
  while (i < h.size()) {
    while (i < h.size() && (is_ws(h[i]) || h[i] == ',')) ++i;
    if (i >= h.size()) break;
    if (!is_tchar(h[i])) {  // garbage: skip one character (never loop forever)
      if (h[i] == '"') {
        std::string ignored;
        i = read_quoted(h, i, ignored);
      } else {
        ++i;
      }
      continue;
    }
    const std::size_t name_begin = i;
    while (i < h.size() && is_tchar(h[i])) ++i;
    const std::string_view name = h.substr(name_begin, i - name_begin);
    std::size_t j = i;
    while (j < h.size() && is_ws(h[j])) ++j;
    if (j < h.size() && h[j] == '=') {
      // auth-param (or the '=' padding of a token68, which has no value after it)
      std::size_t v = j + 1;
      while (v < h.size() && is_ws(h[v])) ++v;
      std::string value;
      std::size_t end = v;
      if (v < h.size() && h[v] == '"') {
        end = read_quoted(h, v, value);
      } else if (v == h.size() || h[v] == '=' || h[v] == ',') {
        // the '=' padding of a token68 such as "dXNlcg==", not a parameter
        while (end < h.size() && h[end] == '=') ++end;
        s.has_token68 = true;
      } else {
        // a token; also the URL characters a sloppy upstream sends unquoted
        while (end < h.size() && (is_tchar(h[end]) || std::string_view("/:=?;@").find(h[end]) != std::string_view::npos))
          ++end;
        value.assign(h.substr(v, end - v));
      }
      if (iequals(name, "resource_metadata") && !s.value_span && end > v) {
        s.value_span = std::make_pair(v, end);
        s.value = std::move(value);
      }
      i = std::max(end, j + 1);
    } else {
      ++s.schemes;  // a token not followed by '=' starts a challenge
      if (s.schemes == 1) s.first_scheme = std::string(name);
      i = j;
    }
  }
  return s;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::optional<std::string> find_resource_metadata(std::string_view www_authenticate) {
  auto s = scan(www_authenticate);
  if (!s.value_span) return std::nullopt;
  return s.value;
}

std::string rewrite_resource_metadata(std::string_view header, std::string_view metadata_url) {
  // Control characters never reach the client's header (CR/LF would split it).
  std::string clean;
  for (char c : header)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) clean += c;
  const std::string_view h = clean;
  const std::string param = "resource_metadata=" + quoted(metadata_url);
  auto s = scan(h);
  if (s.value_span) {
    auto [begin, end] = *s.value_span;
    return std::string(h.substr(0, begin)) + quoted(metadata_url) + std::string(h.substr(end));
  }
  std::string_view trimmed = h;
  while (!trimmed.empty() && (is_ws(trimmed.back()) || trimmed.back() == ',')) trimmed.remove_suffix(1);
  while (!trimmed.empty() && is_ws(trimmed.front())) trimmed.remove_prefix(1);
  if (trimmed.empty()) return "Bearer " + param;
  if (s.schemes != 1 || !iequals(s.first_scheme, "Bearer") || s.has_token68) return std::string(h);
  // A lone scheme takes the parameter after a space, a scheme with params after a comma.
  const bool only_scheme = iequals(trimmed, "Bearer");
  return std::string(trimmed) + (only_scheme ? " " : ", ") + param;
}

std::string bearer_challenge(std::string_view metadata_url, const std::vector<std::string>& scopes,
                             std::string_view error, std::string_view description) {
  auto clean = [](std::string_view text) {
    std::string out;
    for (char c : text)
      if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    return out;
  };
  std::string out = "Bearer resource_metadata=" + auth::quoted(clean(metadata_url));
  if (!scopes.empty()) {
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    out += ", scope=" + auth::quoted(clean(joined));
  }
  if (!error.empty()) out += ", error=" + auth::quoted(clean(error));
  if (!description.empty()) out += ", error_description=" + auth::quoted(clean(description));
  return out;
}

nlohmann::json authorization_error_response(const nlohmann::json& id, unsigned http_status, std::string message) {
  return translate::make_error_response(id, kAuthorizationErrorCode, std::move(message),
                                        nlohmann::json{{"httpStatus", http_status}});
}

nlohmann::json authorization_error_response(const nlohmann::json& id, unsigned http_status) {
  const bool forbidden = http_status == 403;
  return translate::make_error_response(
      id, kAuthorizationErrorCode,
      forbidden ? "Forbidden: the upstream MCP server refused this token (insufficient scope); see the "
                  "WWW-Authenticate header"
                : "Unauthorized: the upstream MCP server requires a valid access token; see the "
                  "WWW-Authenticate header",
      nlohmann::json{{"httpStatus", http_status}});
}

}  // namespace mcp::auth
