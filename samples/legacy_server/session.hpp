// One MCP 2025-11-25 session: the initialize handshake, the negotiated
// version and client capabilities, the log level, resource subscriptions,
// in-flight requests (cancellable) and the server-to-client requests a tool
// is waiting on. Transport-agnostic; everything runs on one io thread.
#pragma once

#include "outbound.hpp"
#include "protocol.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace legacy {

namespace asio = boost::asio;

class Server;
class Session;

// What a request handler gets: its params, the stream its messages go to,
// and the session (for capabilities, logging and client requests).
struct RequestContext {
  Session& session;
  std::shared_ptr<Outbound> stream;
  json id;
  json params;          // always an object
  json progress_token;  // null when the client did not ask for progress
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::any_io_executor executor, Server& server, std::string id);

  const std::string& id() const { return id_; }
  Server& server() { return server_; }
  const std::string& protocol_version() const { return protocol_version_; }
  bool initialized() const { return initialize_done_; }
  std::chrono::steady_clock::time_point last_activity() const { return last_activity_; }

  // Entry point for each decoded message. Requests run as their own
  // coroutine and answer through `stream` (then call stream->finish());
  // notifications and responses are handled before this returns.
  void receive(json message, std::shared_ptr<Outbound> stream);

  // Stream for messages unrelated to any request (GET stream / stdout).
  void set_standalone_stream(std::shared_ptr<Outbound> stream) { standalone_ = std::move(stream); }
  void send_unrelated(const json& notification);

  // notifications/message, filtered by the level set with logging/setLevel.
  // Nothing is sent before the client sets a level. `related` is the
  // stream of the request the message belongs to, if any.
  void send_log_message(std::string_view level, std::string_view logger, json data,
                        Outbound* related = nullptr);
  // notifications/progress when the request carried a progressToken.
  void send_progress(const RequestContext& context, double progress, double total,
                     std::string message = {});

  // Server-to-client requests (elicitation/create, sampling/createMessage,
  // roots/list). send_client_request puts the request on `via` and returns
  // its id; await_client_response waits (bounded by the configured timeout,
  // counted from the send) for the client's answer and returns its result,
  // or throws McpError (client error, timeout) / system_error (cancelled).
  // Several can be outstanding at once; abandon one you will not await.
  std::int64_t send_client_request(std::string_view method, json params, Outbound& via);
  asio::awaitable<json> await_client_response(std::int64_t id, std::string method);
  void abandon_client_request(std::int64_t id) { pending_client_requests_.erase(id); }

  // Whether the client declared `capability` ("sampling", "elicitation", "roots").
  bool client_supports(std::string_view capability) const;

  bool is_subscribed(const std::string& uri) const { return subscriptions_.count(uri) != 0; }

  // Cancels every in-flight request and pending client request.
  void close();

 private:
  asio::awaitable<void> run_request(json request, std::shared_ptr<Outbound> stream,
                                    std::string key);
  asio::awaitable<json> dispatch(RequestContext& context, const std::string& method);
  std::optional<json> error_response_for(std::exception_ptr failure, const json& id, const std::string& method);
  json handle_initialize(const json& params);
  json handle_set_level(const json& params);
  json handle_subscribe(const json& params, bool subscribe);
  void handle_notification(const json& message);
  void handle_client_response(const json& message);

  struct PendingClientRequest {
    explicit PendingClientRequest(asio::any_io_executor executor) : wakeup(executor) {}
    asio::steady_timer wakeup;
    std::optional<json> response;
  };

  asio::any_io_executor executor_;
  Server& server_;
  std::string id_;
  std::string protocol_version_{kLatestProtocolVersion};
  json client_capabilities_ = json::object();
  json client_info_ = json::object();
  bool initialize_done_ = false;
  bool closed_ = false;
  std::optional<int> log_level_;  // index into the RFC 5424 levels; unset = silent
  std::set<std::string> subscriptions_;
  std::shared_ptr<Outbound> standalone_;
  std::map<std::string, std::shared_ptr<asio::cancellation_signal>> in_flight_;
  std::map<std::int64_t, std::shared_ptr<PendingClientRequest>> pending_client_requests_;
  std::int64_t next_client_request_id_ = 1;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::unique_ptr<class TaskStore> tasks_;

 public:
  ~Session();
  const asio::any_io_executor& executor() const { return executor_; }
  // Experimental tasks created on this session (tasks.hpp).
  TaskStore& tasks() { return *tasks_; }
};

// Waits without blocking the io thread; throws if the request is cancelled.
asio::awaitable<void> sleep_for(std::chrono::milliseconds duration);

}  // namespace legacy
