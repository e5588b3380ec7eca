#include "observe/trace_context.hpp"

#include <algorithm>

namespace mcp::observe {
namespace {

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

}  // namespace

std::optional<std::string> trace_id_of(std::string_view tp) {
  // 00-<32>-<16>-<2>: 55 characters; later versions may add "-" and more.
  if (tp.size() < 55 || (tp.size() > 55 && tp[55] != '-')) return std::nullopt;
  if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  const auto version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16), flags = tp.substr(53, 2);
  if (!lower_hex(version) || !lower_hex(trace) || !lower_hex(parent) || !lower_hex(flags)) return std::nullopt;
  if (version == "ff" || (version == "00" && tp.size() != 55)) return std::nullopt;
  if (all_zero(trace) || all_zero(parent)) return std::nullopt;
  return std::string(trace);
}

std::optional<std::string> trace_id_of_request(const nlohmann::json& message, std::string_view traceparent_header) {
  if (!traceparent_header.empty())
    if (auto id = trace_id_of(traceparent_header)) return id;
  if (!message.is_object()) return std::nullopt;
  auto params = message.find("params");
  if (params == message.end() || !params->is_object()) return std::nullopt;
  auto meta = params->find("_meta");
  if (meta == params->end() || !meta->is_object()) return std::nullopt;
  auto tp = meta->find("traceparent");
  if (tp == meta->end() || !tp->is_string()) return std::nullopt;
  return trace_id_of(tp->get_ref<const std::string&>());
}

}  // namespace mcp::observe
