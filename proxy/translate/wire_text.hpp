// One rule for bytes on the wire (issue 9): whatever reaches a client — a
// JSON body, an SSE event, a stdio line, an error message quoting upstream
// bytes, a log line — is valid UTF-8, and serialising it never throws.
//
// nlohmann's dump() throws type_error 316 on invalid UTF-8 by default; on the
// response path that exception would leave the client waiting for an answer
// that never comes. Text from upstreams (raw bodies, stderr, header values)
// and text cut at a byte count are the usual sources, so they pass through
// here first, and the serialisers use to_wire() as a last line of defence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::translate {

// `text` with every invalid UTF-8 sequence (stray continuation bytes,
// truncated or overlong sequences, surrogates, code points past U+10FFFF)
// replaced by U+FFFD, one per maximal invalid subpart (Unicode 15, 3.9 D93b).
std::string valid_utf8(std::string_view text);

// For error messages and log lines: at most `max_bytes` of `text` cut at a
// character boundary, made valid, with "...(N bytes)" appended when it was cut.
std::string abbreviate(std::string_view text, std::size_t max_bytes = 300);

// The compact serialisation of a message for the wire; invalid UTF-8 inside
// strings is replaced (U+FFFD) instead of throwing.
std::string to_wire(const nlohmann::json& message);

}  // namespace mcp::translate
