#include "translate/subscriptions.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"

namespace mcp::translate {
namespace {

// One row per list_changed type: filter field <-> legacy method <-> legacy capability.
struct ListChangedRow {
  std::string_view filter_field;
  std::string_view method;
  std::string_view capability;
  bool ListenFilter::*flag;
};

constexpr std::array kListChanged{
    ListChangedRow{"toolsListChanged", "notifications/tools/list_changed", "tools", &ListenFilter::tools_list_changed},
    ListChangedRow{"promptsListChanged", "notifications/prompts/list_changed", "prompts",
                   &ListenFilter::prompts_list_changed},
    ListChangedRow{"resourcesListChanged", "notifications/resources/list_changed", "resources",
                   &ListenFilter::resources_list_changed},
};

constexpr std::string_view kResourceUpdated = "notifications/resources/updated";

bool declares_flag(const json& caps, std::string_view capability, const char* flag) {
  if (!caps.is_object()) return false;
  auto c = caps.find(std::string(capability));
  if (c == caps.end() || !c->is_object()) return false;
  auto f = c->find(flag);
  return f != c->end() && f->is_boolean() && f->get<bool>();
}

json tagged_params(const json& params, const json& subscription_id) {
  json out = params.is_object() ? params : json::object();
  if (!out.contains("_meta") || !out["_meta"].is_object()) out["_meta"] = json::object();
  out["_meta"][std::string(kMetaSubscriptionId)] = subscription_id;
  return out;
}

}  // namespace

std::variant<ListenFilter, std::string> parse_listen_filter(const json& params, const ListenLimits& limits) {
  if (!params.is_object()) return std::string("subscriptions/listen requires params");
  auto n = params.find("notifications");
  if (n == params.end() || !n->is_object())
    return std::string("subscriptions/listen requires params.notifications (a SubscriptionFilter object)");
  ListenFilter out;
  for (const auto& row : kListChanged) {
    auto it = n->find(std::string(row.filter_field));
    if (it == n->end() || it->is_null()) continue;
    if (!it->is_boolean()) return "notifications." + std::string(row.filter_field) + " must be a boolean";
    out.*row.flag = it->get<bool>();
  }
  if (auto it = n->find("resourceSubscriptions"); it != n->end() && !it->is_null()) {
    if (!it->is_array()) return std::string("notifications.resourceSubscriptions must be an array of strings");
    for (const auto& uri : *it) {
      if (!uri.is_string() || uri.get_ref<const std::string&>().empty())
        return std::string("notifications.resourceSubscriptions must contain non-empty strings");
      const auto& s = uri.get_ref<const std::string&>();
      if (s.size() > limits.max_uri_bytes)
        return "notifications.resourceSubscriptions: a URI is longer than " + std::to_string(limits.max_uri_bytes) +
               " bytes";
      if (std::find(out.resource_subscriptions.begin(), out.resource_subscriptions.end(), s) !=
          out.resource_subscriptions.end())
        continue;
      if (out.resource_subscriptions.size() >= limits.max_resource_subscriptions)
        return "notifications.resourceSubscriptions: more than " + std::to_string(limits.max_resource_subscriptions) +
               " URIs";
      out.resource_subscriptions.push_back(s);
    }
  }
  return out;
}

ListenFilter honourable_subset(const ListenFilter& requested, const json& caps) {
  ListenFilter out;
  for (const auto& row : kListChanged)
    out.*row.flag = requested.*row.flag && declares_flag(caps, row.capability, "listChanged");
  if (declares_flag(caps, "resources", "subscribe")) out.resource_subscriptions = requested.resource_subscriptions;
  return out;
}

json to_subscription_filter(const ListenFilter& filter) {
  json out = json::object();
  for (const auto& row : kListChanged)
    if (filter.*row.flag) out[std::string(row.filter_field)] = true;
  if (!filter.resource_subscriptions.empty()) out["resourceSubscriptions"] = filter.resource_subscriptions;
  return out;
}

json make_listen_acknowledgment(const json& subscription_id, const ListenFilter& honoured) {
  return json{{"jsonrpc", "2.0"},
              {"method", "notifications/subscriptions/acknowledged"},
              {"params", tagged_params(json{{"notifications", to_subscription_filter(honoured)}}, subscription_id)}};
}

std::optional<json> to_listen_notification(const json& n, const ListenFilter& filter, const json& subscription_id) {
  if (!n.is_object() || !n.contains("method") || !n["method"].is_string()) return std::nullopt;
  const std::string& method = n["method"].get_ref<const std::string&>();
  const json params = n.contains("params") ? n["params"] : json(nullptr);
  bool wanted = false;
  if (method == kResourceUpdated) {
    // The uri must be one this stream subscribed to (never another listener's).
    if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string()) return std::nullopt;
    const auto& uri = params["uri"].get_ref<const std::string&>();
    wanted = std::find(filter.resource_subscriptions.begin(), filter.resource_subscriptions.end(), uri) !=
             filter.resource_subscriptions.end();
  } else {
    for (const auto& row : kListChanged)
      if (method == row.method) wanted = filter.*row.flag;
  }
  if (!wanted) return std::nullopt;
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", tagged_params(params, subscription_id)}};
}

json make_listen_completion(const json& subscription_id, const json& server_info) {
  json result{{"resultType", "complete"},
              {"_meta",
               {{std::string(kMetaSubscriptionId), subscription_id},
                {std::string(protocol::kMetaServerInfo), server_info}}}};
  return make_result_response(subscription_id, std::move(result));
}

}  // namespace mcp::translate
