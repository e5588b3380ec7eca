// Mcp-Param-* validation (translate/param_headers.*): the tool definition
// comes from an upstream, the arguments and the headers from a client. Input:
// a JSON object {"tool": ..., "arguments": ..., "headers": {name: value}}.
#include <map>

#include "fuzz_support.hpp"
#include "translate/param_headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = mcp::fuzz::parse_or_discarded(mcp::fuzz::as_text(data, size));
  if (!input.is_object()) return 0;
  const auto tool = input.value("tool", nlohmann::json::object());
  const auto arguments = input.value("arguments", nlohmann::json::object());
  std::map<std::string, std::string> headers;
  if (auto it = input.find("headers"); it != input.end() && it->is_object())
    for (const auto& [name, value] : it->items())
      if (value.is_string()) headers[name] = value.get<std::string>();
  if (tool.is_object() && tool.contains("inputSchema")) (void)mcp::translate::header_params(tool["inputSchema"]);
  if (auto mismatch = mcp::translate::validate_param_headers(tool, arguments, headers))
    mcp::fuzz::require_serialisable(nlohmann::json(*mismatch), "HeaderMismatch message");
  return 0;
}
