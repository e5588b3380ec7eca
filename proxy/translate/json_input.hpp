// JSON text from a peer — a client's body or line, an upstream's body, SSE
// event or stdout line — parsed without exceptions and with its nesting
// bounded (issue 9: "treat every byte from a client or upstream as hostile").
//
// Why a depth bound: nlohmann's parser is iterative, but copying, comparing
// and serialising a json value recurse once per level, so a 100000-deep
// array (200 kB of brackets) overflowed an io thread's stack and crashed the
// bridge the first time the request was copied. No MCP message needs more
// than a few dozen levels.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::translate {

inline constexpr std::size_t kMaxJsonDepth = 256;

struct ParsedJson {
  nlohmann::json value;  // discarded when `error` is set
  std::string error;     // empty on success; else why, for a -32700 message or a log line
  bool ok() const { return error.empty(); }
};

enum class InvalidUtf8 {
  Reject,   // clients: invalid UTF-8 is not JSON (RFC 8259 8.1), -32700
  Replace,  // upstreams: an answer with a stray byte still reaches its client, U+FFFD in its place
};

// Parses `text`; nesting deeper than kMaxJsonDepth is an error. Never throws.
ParsedJson parse_json(std::string_view text, InvalidUtf8 invalid_utf8 = InvalidUtf8::Reject);

}  // namespace mcp::translate
