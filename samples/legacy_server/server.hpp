// Process-wide state shared by all sessions: options, the session registry
// and the bits of the catalog that tools can change at run time (which is
// what makes list_changed and resources/updated notifications happen).
#pragma once

#include "protocol.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

namespace legacy {

class Session;

struct ServerOptions {
  // Upper bound on how long a tool waits for the client to answer a
  // sampling/createMessage, elicitation/create or roots/list request.
  std::chrono::milliseconds client_request_timeout{30000};
  std::size_t max_sessions = 256;
  std::size_t max_in_flight_requests_per_session = 64;
  std::size_t max_pending_client_requests_per_session = 32;
  std::size_t max_subscriptions_per_session = 64;
};

class Server {
 public:
  explicit Server(ServerOptions options) : options_(options) {}

  const ServerOptions& options() const { return options_; }

  bool add_session(std::shared_ptr<Session> session);
  std::shared_ptr<Session> find_session(const std::string& id) const;
  // Ends the session: in-flight requests are cancelled.
  void remove_session(const std::string& id);
  std::size_t session_count() const { return sessions_.size(); }
  // Drops sessions idle for longer than `idle`; returns how many.
  std::size_t expire_idle_sessions(std::chrono::steady_clock::duration idle);
  void close_all_sessions();

  // Sends a notification on every session's standalone stream.
  void broadcast(const json& notification);
  // notifications/resources/updated to the sessions subscribed to `uri`.
  void notify_resource_updated(const std::string& uri);

  // Run-time catalog changes (driven by the test_trigger_* tools).
  bool toggle_dynamic_tool() { return dynamic_tool_enabled_ = !dynamic_tool_enabled_; }
  bool dynamic_tool_enabled() const { return dynamic_tool_enabled_; }
  bool toggle_dynamic_prompt() { return dynamic_prompt_enabled_ = !dynamic_prompt_enabled_; }
  bool dynamic_prompt_enabled() const { return dynamic_prompt_enabled_; }
  int watched_resource_version() const { return watched_resource_version_; }
  void bump_watched_resource() { ++watched_resource_version_; }

 private:
  ServerOptions options_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  bool dynamic_tool_enabled_ = false;
  bool dynamic_prompt_enabled_ = false;
  int watched_resource_version_ = 1;
};

}  // namespace legacy
