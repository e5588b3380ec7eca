#include "translate/method_table.hpp"

#include <array>
#include <utility>

namespace mcp::translate {
namespace {

struct Row {
  std::string_view method;
  MethodInfo info;
};

constexpr std::array kTable{
    Row{"server/discover", {MethodRoute::Synthesize, true, ""}},
    Row{"tools/list", {MethodRoute::Forward, true, "tools"}},
    Row{"tools/call", {MethodRoute::Forward, false, "tools"}},
    Row{"resources/list", {MethodRoute::Forward, true, "resources"}},
    Row{"resources/templates/list", {MethodRoute::Forward, true, "resources"}},
    Row{"resources/read", {MethodRoute::Forward, true, "resources"}},
    Row{"prompts/list", {MethodRoute::Forward, true, "prompts"}},
    Row{"prompts/get", {MethodRoute::Forward, false, "prompts"}},
    Row{"completion/complete", {MethodRoute::Forward, false, "completions"}},
    // Served from the upstream's unsolicited notifications (bridge/subscriptions.hpp).
    Row{"subscriptions/listen", {MethodRoute::Listen, false, ""}},
    // Removed by 2026-07-28 (changelog: stateless, ping/setLevel removed,
    // subscribe replaced by subscriptions/listen, tasks moved to an extension).
    Row{"initialize", {MethodRoute::Removed, false, ""}},
    Row{"ping", {MethodRoute::Removed, false, ""}},
    Row{"logging/setLevel", {MethodRoute::Removed, false, ""}},
    Row{"resources/subscribe", {MethodRoute::Removed, false, ""}},
    Row{"resources/unsubscribe", {MethodRoute::Removed, false, ""}},
    // The 2025-11-25 experimental tasks left the core; with the
    // io.modelcontextprotocol/tasks extension (SEP-2663) tasks/get and
    // tasks/cancel are extension methods, with tasks/update; tasks/result
    // and tasks/list stay removed.
    Row{"tasks/get", {MethodRoute::Extension, false, ""}},
    Row{"tasks/update", {MethodRoute::Extension, false, ""}},
    Row{"tasks/cancel", {MethodRoute::Extension, false, ""}},
    Row{"tasks/result", {MethodRoute::Removed, false, ""}},
    Row{"tasks/list", {MethodRoute::Removed, false, ""}},
    Row{"notifications/initialized", {MethodRoute::Removed, false, ""}},
    Row{"notifications/roots/list_changed", {MethodRoute::Removed, false, ""}},
};

constexpr auto kNames = [] {
  std::array<std::string_view, kTable.size()> names{};
  for (std::size_t i = 0; i < kTable.size(); ++i) names[i] = kTable[i].method;
  return names;
}();

}  // namespace

std::span<const std::string_view> method_names() { return kNames; }

MethodInfo lookup_method(std::string_view method) {
  for (const auto& row : kTable)
    if (row.method == method) return row.info;
  return MethodInfo{};
}

std::string method_not_found_message(std::string_view method, MethodRoute route) {
  std::string m = "Method not found: ";
  m += method;
  switch (route) {
    case MethodRoute::Removed:
      m += " (removed in protocol version 2026-07-28)";
      break;
    case MethodRoute::Unsupported:
      m += " (not supported by this mcp-bridge yet)";
      break;
    default:
      break;
  }
  return m;
}

}  // namespace mcp::translate
