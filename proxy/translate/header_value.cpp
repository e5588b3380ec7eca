#include "translate/header_value.hpp"

#include <openssl/evp.h>

namespace mcp::translate {
namespace {

constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

bool is_sentinel(std::string_view v) {
  return v.size() >= kPrefix.size() + kSuffix.size() && v.starts_with(kPrefix) && v.ends_with(kSuffix);
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock keeps the bytes that padding stands for; drop them.
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string base64_encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
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
