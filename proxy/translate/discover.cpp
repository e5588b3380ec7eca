#include "translate/discover.hpp"

#include <array>
#include <string_view>

#include "translate/protocol.hpp"
#include "translate/tasks.hpp"
#include "translate/to_modern.hpp"

namespace mcp::translate {

json to_modern_server_capabilities(const json& legacy, const DiscoverOptions& opts) {
  json out = json::object();
  if (!legacy.is_object()) return out;
  for (std::string_view key : std::array<std::string_view, 3>{"tools", "prompts", "resources"}) {
    auto it = legacy.find(std::string(key));
    if (it == legacy.end() || !it->is_object()) continue;
    json cap = json::object();
    if (opts.advertise_subscriptions) {
      if (it->value("listChanged", false)) cap["listChanged"] = true;
      if (key == "resources" && it->value("subscribe", false)) cap["subscribe"] = true;
    }
    out[std::string(key)] = std::move(cap);
  }
  for (std::string_view key : std::array<std::string_view, 4>{"completions", "logging", "experimental", "extensions"}) {
    auto it = legacy.find(std::string(key));
    if (it != legacy.end() && it->is_object()) out[std::string(key)] = *it;
  }
  // Legacy task-augmented tools/call: the bridge offers the tasks extension on top (bridge/tasks.hpp).
  if (upstream_supports_tool_tasks(json{{"capabilities", legacy}}))
    out["extensions"][std::string(kTasksExtension)] = json::object();
  return out;
}

json make_discover_result(const json& initialize_result_in, const DiscoverOptions& opts, const CacheHint& hint) {
  // Whatever the upstream sent, never throw on its shape.
  const json& initialize_result = initialize_result_in.is_object() ? initialize_result_in : json::object();
  json supported = json::array();
  for (auto v : protocol::kSupportedModernVersions) supported.push_back(std::string(v));
  json result{
      {"supportedVersions", std::move(supported)},
      {"capabilities", to_modern_server_capabilities(initialize_result.value("capabilities", json::object()), opts)}};
  if (auto it = initialize_result.find("instructions"); it != initialize_result.end() && it->is_string())
    result["instructions"] = *it;
  finish_result(result, server_info_from_initialize(initialize_result), true, hint);
  return result;
}

}  // namespace mcp::translate
