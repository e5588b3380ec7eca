// Standard Base64 (RFC 4648 section 4, with padding) through OpenSSL's
// EVP_EncodeBlock/EVP_DecodeBlock; one place for both directions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp::translate {

std::string base64_encode(std::string_view bytes);

// nullopt when `text` is not padded Base64 (length not a multiple of 4, or a
// character outside the alphabet).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mcp::translate
