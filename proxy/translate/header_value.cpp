#include "translate/header_value.hpp"

#include "translate/base64.hpp"

namespace mcp::translate {
namespace {

constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

bool is_sentinel(std::string_view v) {
  return v.size() >= kPrefix.size() + kSuffix.size() && v.starts_with(kPrefix) && v.ends_with(kSuffix);
}

}  // namespace

bool is_valid_header_text(std::string_view value) {
  for (unsigned char c : value) {
    if (!(c == '\t' || (c >= 0x20 && c <= 0x7E))) return false;
  }
  return true;
}

std::optional<std::string> decode_header_value(std::string_view raw) {
  if (!is_valid_header_text(raw)) return std::nullopt;
  if (!is_sentinel(raw)) return std::string(raw);
  return base64_decode(raw.substr(kPrefix.size(), raw.size() - kPrefix.size() - kSuffix.size()));
}

std::string encode_header_value(std::string_view value) {
  bool safe = is_valid_header_text(value) && !value.empty() && value.front() != ' ' && value.front() != '\t' &&
              value.back() != ' ' && value.back() != '\t' && !is_sentinel(value);
  if (safe || value.empty()) return std::string(value);
  return std::string(kPrefix) + base64_encode(value) + std::string(kSuffix);
}

}  // namespace mcp::translate
