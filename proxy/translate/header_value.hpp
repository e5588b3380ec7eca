// Decoding of MCP header values (streamable-http.mdx "Value Encoding"):
// plain visible ASCII, or the Base64 sentinel `=?base64?{Base64}?=`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp::translate {

// True when every byte is visible ASCII (0x21-0x7E), space or tab.
bool is_valid_header_text(std::string_view value);

// Returns the decoded value: the sentinel's Base64 payload decoded, or the
// plain value itself. nullopt when the value has invalid characters or the
// sentinel's payload is not valid Base64 (a HeaderMismatch for the caller).
std::optional<std::string> decode_header_value(std::string_view raw);

// The inverse, as a client must encode: plain when safe, sentinel otherwise.
std::string encode_header_value(std::string_view value);

}  // namespace mcp::translate
