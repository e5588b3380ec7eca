#include "upstream/legacy_session_core.hpp"

#include <vector>

#include <spdlog/spdlog.h>

#include "translate/input_required.hpp"
#include "translate/jsonrpc.hpp"
#include "upstream/jsonrpc_message.hpp"

namespace mcp::upstream {

void LegacySessionCore::add_call(const json& id, PendingCall call, bool starting) {
  std::lock_guard lock(mu_);
  if (starting ? !dead_reason_.empty() : !usable_)
    throw UpstreamError(dead_reason_.empty() ? "upstream session is not usable" : dead_reason_);
  if (calls_.size() >= max_calls_)
    throw UpstreamError("upstream has too many requests in flight (" + std::to_string(max_calls_) + ")");
  if (!calls_.try_emplace(key(id), id, std::move(call)).second)
    throw UpstreamError("duplicate upstream request id " + id.dump());
}

void LegacySessionCore::remove_call(const json& id) {
  std::lock_guard lock(mu_);
  calls_.erase(key(id));
}

std::size_t LegacySessionCore::in_flight() const {
  std::lock_guard lock(mu_);
  return calls_.size();
}

json LegacySessionCore::attribute_server_request_locked() const {
  const json* only = nullptr;
  for (const auto& [k, entry] : calls_) {
    if (!translate::supports_input_required(entry.second.method)) continue;
    if (only) return nullptr;  // two or more candidates: do not guess
    only = &entry.first;
  }
  return only ? *only : json();
}

Route LegacySessionCore::route(const json& message, const json& stream_call_id) const {
  const auto c = translate::classify_message(message);
  std::lock_guard lock(mu_);
  const bool on_call_stream = !stream_call_id.is_null() && calls_.count(key(stream_call_id)) > 0;
  switch (c.kind) {
    case translate::MessageKind::Response:
      if (!c.id.is_null() && calls_.count(key(c.id))) return {Destination::CallResponse, c.id, {}};
      return {Destination::Dropped, nullptr, "response for unknown or cancelled id " + message["id"].dump()};
    case translate::MessageKind::Notification: {
      if (message["method"] == "notifications/progress") {
        const auto params = message.find("params");
        if (params != message.end()) {  // classify_message guarantees an object
          const auto token = params->find("progressToken");
          if (token != params->end() && calls_.count(key(*token))) return {Destination::CallNotification, *token, {}};
        }
      }
      if (on_call_stream) return {Destination::CallNotification, stream_call_id, {}};
      return {Destination::Unsolicited, nullptr, {}};
    }
    case translate::MessageKind::Request:
      return {Destination::ServerRequest, on_call_stream ? stream_call_id : attribute_server_request_locked(), {}};
    case translate::MessageKind::Invalid:
      break;
  }
  return {Destination::Dropped, nullptr, "invalid JSON-RPC message (" + c.problem + ")"};
}

void LegacySessionCore::deliver(const Route& route, json message) {
  switch (route.to) {
    case Destination::CallResponse: {
      std::function<void(json)> on_response;
      {
        std::lock_guard lock(mu_);
        auto it = calls_.find(key(route.call_id));
        if (it == calls_.end() || !it->second.second.on_response) {
          spdlog::debug("upstream: response for id {} has no waiting reader; dropped", route.call_id.dump());
          return;
        }
        on_response = std::move(it->second.second.on_response);
        calls_.erase(it);  // answered: a duplicate response finds nothing
      }
      on_response(std::move(message));
      return;
    }
    case Destination::CallNotification: {
      CallNotificationHandler handler;
      {
        std::lock_guard lock(mu_);
        if (auto it = calls_.find(key(route.call_id)); it != calls_.end()) handler = it->second.second.on_notification;
      }
      if (handler) handler(message);
      return;
    }
    case Destination::Unsolicited:
      if (sinks_.on_unsolicited) sinks_.on_unsolicited(message);
      return;
    case Destination::ServerRequest:
      if (sinks_.on_server_request) {
        sinks_.on_server_request(std::move(message), route.call_id);
      } else {
        spdlog::warn("upstream: no handler for server request {}", abbreviate(message.dump()));
      }
      return;
    case Destination::Dropped:
      spdlog::warn("upstream: ignoring message: {}: {}", route.why, abbreviate(message.dump()));
      return;
  }
}

Route LegacySessionCore::dispatch(json message, const json& stream_call_id) {
  Route r = route(message, stream_call_id);
  deliver(r, std::move(message));
  return r;
}

void LegacySessionCore::mark_usable() {
  std::lock_guard lock(mu_);
  if (dead_reason_.empty()) usable_ = true;
}

void LegacySessionCore::mark_dead(const std::string& reason) {
  std::vector<std::function<void(const std::string&)>> to_fail;
  {
    std::lock_guard lock(mu_);
    usable_ = false;
    if (dead_reason_.empty()) dead_reason_ = reason;
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->second.second.on_failure) {
        to_fail.push_back(std::move(it->second.second.on_failure));
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& fail : to_fail) fail(reason);
}

bool LegacySessionCore::usable() const {
  std::lock_guard lock(mu_);
  return usable_;
}

std::string LegacySessionCore::dead_reason() const {
  std::lock_guard lock(mu_);
  return dead_reason_.empty() ? "upstream session is not usable" : dead_reason_;
}

}  // namespace mcp::upstream
