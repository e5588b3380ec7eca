// Tool definitions per pool key, for Mcp-Param-* validation: filled from
// tools/list results passing through the bridge (or fetched on demand),
// invalidated by notifications/tools/list_changed. Thread-safe; bounded.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace mcp::bridge {

class ToolSchemaCache {
 public:
  explicit ToolSchemaCache(std::size_t max_contexts = 1024, std::size_t max_tools_per_context = 10000)
      : max_contexts_(max_contexts), max_tools_(max_tools_per_context) {}

  // The tool's definition, shared (every tools/call over HTTP looks its tool
  // up: no copy of the schema per request); null when unknown.
  std::shared_ptr<const nlohmann::json> find(const std::string& context, const std::string& tool) const;
  // Merges the named tools of one tools/list page.
  void add_tools(const std::string& context, const nlohmann::json& tools);
  // Records that the whole list was seen, so an unknown tool is really unknown
  // (no refetch on every call with a wrong name).
  void mark_complete(const std::string& context);
  bool complete(const std::string& context) const;
  void invalidate(const std::string& context);

 private:
  struct Tools {
    std::map<std::string, std::shared_ptr<const nlohmann::json>> by_name;
    bool complete = false;
  };
  Tools& slot(const std::string& context);  // with mu_ held

  mutable std::mutex mu_;  // short critical sections, no I/O under it
  std::map<std::string, Tools> contexts_;
  std::size_t max_contexts_;
  std::size_t max_tools_;
};

}  // namespace mcp::bridge
