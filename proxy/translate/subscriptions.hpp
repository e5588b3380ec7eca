// subscriptions/listen as pure functions over JSON
// (basic/patterns/subscriptions.mdx, schema SubscriptionsListenRequest,
// SubscriptionsAcknowledgedNotification, SubscriptionsListenResult).
//
// The bridge serves a listen stream from the legacy side's unsolicited
// notifications (the GET stream of an HTTP upstream, the stdout of a stdio
// child): list_changed maps 1:1 to the filter's booleans, resources/updated to
// `resourceSubscriptions` (upstream resources/subscribe). Everything here
// never throws; hostile input becomes a -32602 message.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcp::translate {

using json = nlohmann::json;

inline constexpr std::string_view kMetaSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// The SubscriptionFilter of a listen request (all opt-in).
struct ListenFilter {
  bool tools_list_changed = false;
  bool prompts_list_changed = false;
  bool resources_list_changed = false;
  std::vector<std::string> resource_subscriptions;  // unique, in request order

  bool operator==(const ListenFilter&) const = default;
};

struct ListenLimits {
  std::size_t max_resource_subscriptions = 256;  // per listen request
  std::size_t max_uri_bytes = 4096;
};

// params.notifications of a subscriptions/listen request -> the filter, or the
// message of a -32602 Invalid params error (notifications missing or not an
// object, a field of the wrong type, too many or too long URIs). Duplicate
// URIs are folded. Unknown filter fields are ignored (future notification types).
std::variant<ListenFilter, std::string> parse_listen_filter(const json& params, const ListenLimits& limits = {});

// What the bridge can honour given the upstream's legacy ServerCapabilities:
// a list_changed type only when the upstream declares that listChanged,
// resource subscriptions only when it declares resources.subscribe.
ListenFilter honourable_subset(const ListenFilter& requested, const json& legacy_capabilities);

// The filter as a SubscriptionFilter object (only the fields that are set).
json to_subscription_filter(const ListenFilter& filter);

// notifications/subscriptions/acknowledged for subscription `subscription_id`
// (the listen request's JSON-RPC id), carrying the honoured subset.
json make_listen_acknowledgment(const json& subscription_id, const ListenFilter& honoured);

// A legacy notification not tied to a call -> the notification for one listen
// stream, tagged with _meta io.modelcontextprotocol/subscriptionId; nullopt
// when the stream did not ask for it. notifications/message, progress and
// everything request-scoped never go to a listen stream (logging.mdx).
std::optional<json> to_listen_notification(const json& legacy_notification, const ListenFilter& filter,
                                           const json& subscription_id);

// The graceful end of a subscription (subscriptions.mdx "Graceful Closure"):
// the listen request's response, resultType "complete", tagged like its stream.
json make_listen_completion(const json& subscription_id, const json& server_info);

}  // namespace mcp::translate
