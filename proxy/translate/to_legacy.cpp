#include "translate/to_legacy.hpp"

#include <string>

#include "translate/protocol.hpp"
#include "translate/tasks.hpp"

namespace mcp::translate {

json to_legacy_request(json out, std::int64_t upstream_id) {
  out["id"] = upstream_id;
  auto params = out.find("params");
  if (params == out.end() || !params->is_object()) return out;
  auto meta = params->find("_meta");
  if (meta == params->end()) return out;
  if (!meta->is_object()) {
    params->erase("_meta");
    return out;
  }
  for (auto it = meta->begin(); it != meta->end();) {
    if (std::string_view(it.key()).starts_with(protocol::kMetaPrefix))
      it = meta->erase(it);
    else
      ++it;
  }
  if (meta->contains("progressToken")) (*meta)["progressToken"] = upstream_id;
  if (meta->empty()) params->erase("_meta");
  return out;
}

json to_legacy_client_capabilities(const json& modern, const InitializeOptions& opts) {
  json out = json::object();
  if (!modern.is_object()) return out;
  for (const auto& [key, value] : modern.items()) {
    if (key == "extensions") {
      // Extensions the client declares (e.g. MCP Apps, io.modelcontextprotocol/ui)
      // reach the upstream; the tasks extension is the bridge's own, on top of
      // the legacy tasks (bridge/tasks.hpp), and never declared upstream.
      if (!value.is_object()) continue;
      json extensions = value;
      extensions.erase(std::string(kTasksExtension));
      if (!extensions.empty()) out[key] = std::move(extensions);
      continue;
    }
    if (!opts.forward_client_request_capabilities && (key == "sampling" || key == "elicitation" || key == "roots"))
      continue;
    out[key] = value;
  }
  return out;
}

json make_initialize_params(const RequestMeta& meta, const InitializeOptions& opts) {
  json client_info = opts.default_client_info;
  if (meta.client_info.is_object() && meta.client_info.contains("name") && meta.client_info["name"].is_string() &&
      meta.client_info.contains("version") && meta.client_info["version"].is_string())
    client_info = meta.client_info;
  return json{{"protocolVersion", std::string(opts.protocol_version)},
              {"capabilities", to_legacy_client_capabilities(meta.client_capabilities, opts)},
              {"clientInfo", std::move(client_info)}};
}

}  // namespace mcp::translate
