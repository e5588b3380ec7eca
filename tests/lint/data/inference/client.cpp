#include "client.hpp"

namespace app {

json Transport::send_request(const std::string& method, const json& params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
}

json Client::create_message(const std::string& prompt) {  // expect: inferred/sampling-use
  return transport_.send_request("sampling/createMessage", {{"prompt", prompt}});  // expect: protocol/sampling-create-message
}

std::vector<Root> Client::list_roots() {  // expect: inferred/roots-use
  json result = transport_.send_request("roots/list", json::object());  // expect: protocol/roots-list
  std::vector<Root> roots;  // expect: inferred/roots-use
  for (const auto& r : result["roots"]) roots.push_back(Root{r["uri"], r["name"]});  // expect: protocol/roots-list-result
  return roots;  // expect: inferred/roots-use
}

json Client::list_tools() { return transport_.send_request("tools/list", json::object()); }

void send_log(Transport& t, Level level, const std::string& text) {  // expect: inferred/logging-use
  t.send_request("notifications/message", {{"level", static_cast<int>(level)}, {"data", text}});  // expect: protocol/logging-message-notification
}

}  // namespace app
