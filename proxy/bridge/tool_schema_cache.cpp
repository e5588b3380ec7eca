#include "bridge/tool_schema_cache.hpp"

namespace mcp::bridge {

ToolSchemaCache::Tools& ToolSchemaCache::slot(const std::string& context) {
  auto it = contexts_.find(context);
  if (it != contexts_.end()) return it->second;
  if (contexts_.size() >= max_contexts_) contexts_.erase(contexts_.begin());  // bounded; refetch is cheap
  return contexts_[context];
}

std::shared_ptr<const nlohmann::json> ToolSchemaCache::find(const std::string& context,
                                                            const std::string& tool) const {
  std::lock_guard lock(mu_);
  auto c = contexts_.find(context);
  if (c == contexts_.end()) return nullptr;
  auto t = c->second.by_name.find(tool);
  if (t == c->second.by_name.end()) return nullptr;
  return t->second;
}

void ToolSchemaCache::add_tools(const std::string& context, const nlohmann::json& tools) {
  if (!tools.is_array()) return;
  std::lock_guard lock(mu_);
  auto& s = slot(context);
  for (const auto& tool : tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    if (s.by_name.size() >= max_tools_) break;
    s.by_name[tool["name"].get<std::string>()] = std::make_shared<const nlohmann::json>(tool);
  }
}

void ToolSchemaCache::mark_complete(const std::string& context) {
  std::lock_guard lock(mu_);
  slot(context).complete = true;
}

bool ToolSchemaCache::complete(const std::string& context) const {
  std::lock_guard lock(mu_);
  auto c = contexts_.find(context);
  return c != contexts_.end() && c->second.complete;
}

void ToolSchemaCache::invalidate(const std::string& context) {
  std::lock_guard lock(mu_);
  contexts_.erase(context);
}

}  // namespace mcp::bridge
