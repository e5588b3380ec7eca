#include "auth/bearer_token.hpp"

#include <cctype>

namespace mcp::auth {

BearerToken bearer_token(std::string_view h) {
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  constexpr std::string_view kScheme = "bearer";
  if (h.size() < kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return {};
  std::string_view rest = h.substr(kScheme.size());
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return {};  // "Bearerx": another scheme
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  std::size_t i = 0;
  while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) ||
                             std::string_view("-._~+/").find(rest[i]) != std::string_view::npos))
    ++i;
  const std::size_t body = i;
  while (i < rest.size() && rest[i] == '=') ++i;
  if (body == 0 || i != rest.size()) return {BearerToken::Kind::Malformed, {}};
  return {BearerToken::Kind::Token, rest};
}

}  // namespace mcp::auth
