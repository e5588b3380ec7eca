// JSON text appended to a string by a serializer kept per thread.
//
// json::dump() builds a serializer for every call (its output adapter and a
// 512-byte indent string: two allocations) and returns a new string. The
// request path writes JSON text many times per request (the upstream request,
// the reply, pending-call keys, the MRTR binding text), so those go through here:
// one serializer per thread and error handler, built once, writing into the
// caller's string.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mcp::translate {

// Appends exactly what value.dump(-1, ' ', ensure_ascii, handler) returns.
// Throws what dump throws (strict: invalid UTF-8 in a string); `out` may then
// hold part of the text.
void append_json(std::string& out, const nlohmann::json& value, bool ensure_ascii,
                 nlohmann::json::error_handler_t handler = nlohmann::json::error_handler_t::strict);

// The same text as a new string (what value.dump(-1, ' ', ensure_ascii,
// handler) returns), through the thread's serializer.
inline std::string json_text(const nlohmann::json& value, bool ensure_ascii,
                             nlohmann::json::error_handler_t handler = nlohmann::json::error_handler_t::strict) {
  std::string text;
  append_json(text, value, ensure_ascii, handler);
  return text;
}

}  // namespace mcp::translate
