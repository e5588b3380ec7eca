// The request path of BRIDGE.md step 2, top to bottom in handle():
// validate -> route -> take a session -> forward -> translate back.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "bridge/bridge.hpp"
#include "bridge/log_level.hpp"
#include "bridge/mrtr.hpp"
#include "bridge/subscriptions.hpp"
#include "bridge/tasks.hpp"
#include "bridge/make_bridge.hpp"
#include "bridge/tool_schema_cache.hpp"
#include "pool/session_pool.hpp"
#include "translate/request_meta.hpp"

namespace mcp::bridge {

// The upstream did not answer within BridgeOptions::request_timeout.
struct UpstreamTimeout : upstream::UpstreamError {
  using upstream::UpstreamError::UpstreamError;
};

class BridgeImpl : public Bridge, public std::enable_shared_from_this<BridgeImpl> {
 public:
  BridgeImpl(boost::asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory, BridgeOptions opts);

  boost::asio::awaitable<Reply> handle(DownstreamRequest request, NotificationSink on_notification) override;
  bool upstream_healthy() const override;
  boost::asio::awaitable<void> shutdown() override;
  void close_subscriptions() override;
  void set_advertised_url(std::string url) override;

  // Keeps /healthz honest without waiting for client traffic: until an
  // initialize has succeeded (at start, or after the upstream turned
  // unhealthy), opens a session for the anonymous context with empty client
  // capabilities, retrying with capped exponential backoff. The session stays
  // pooled, so the first anonymous client finds it warm. Started by make_bridge().
  static boost::asio::awaitable<void> probe_upstream(std::weak_ptr<BridgeImpl> weak,
                                                     std::shared_ptr<boost::asio::steady_timer> timer);
  std::shared_ptr<boost::asio::steady_timer> probe_timer() const { return probe_timer_; }

  pool::SessionPool& pool() { return *pool_; }

 private:
  boost::asio::awaitable<Reply> handle_request(DownstreamRequest& request, NotificationSink& sink);
  // Mcp-Param-* vs x-mcp-header; returns a HeaderMismatch message or nullopt.
  boost::asio::awaitable<std::optional<std::string>> check_param_headers(
      const std::shared_ptr<upstream::UpstreamSession>& session, const std::string& context,
      const DownstreamRequest& request);
  boost::asio::awaitable<std::shared_ptr<const json>> find_tool(
      const std::shared_ptr<upstream::UpstreamSession>& session, const std::string& context, const std::string& name);
  boost::asio::awaitable<void> fetch_tool_list(const std::shared_ptr<upstream::UpstreamSession>& session,
                                               const std::string& context);
  // session->call() bounded by request_timeout; throws UpstreamTimeout.
  // The session by value: a caller may return this awaitable from a plain
  // function whose argument dies before it runs (ASan: stack-use-after-return).
  boost::asio::awaitable<json> call_upstream(std::shared_ptr<upstream::UpstreamSession> session, json request,
                                             upstream::CallNotificationHandler on_notification,
                                             upstream::CallContext context);
  // `first_page`: the tools/list request had no cursor.
  void remember_tools(const std::string& context, bool first_page, const json& legacy_response);
  // Steps 7-8 of a tools/call, prompts/get or resources/read: a new exchange,
  // or the continuation of a parked one (bridge/mrtr.hpp); either may answer
  // an InputRequiredResult instead of the upstream's result.
  boost::asio::awaitable<std::variant<Reply, json>> call_with_input_requests(
      const std::shared_ptr<upstream::UpstreamSession>& session, json legacy_request, MrtrRequest mrtr,
      const json& id, upstream::CallNotificationHandler on_notification, upstream::CallContext context);

  // 502/503/504 for upstream failures, or 200 when configured (the body is a
  // JSON-RPC -32603 error either way).
  unsigned upstream_error_status(unsigned gateway_status) const;
  // An upstream 401/403 (the client's credentials were refused): that status,
  // the upstream's challenge (rewritten) and a JSON-RPC error; nullopt for
  // any other failure.
  std::optional<Reply> authorization_reply(const std::exception& e, const json& id) const;

  struct ToolFetch;

  BridgeOptions opts_;
  std::shared_ptr<ToolSchemaCache> tools_;
  std::mutex fetch_mu_;
  std::map<std::string, std::shared_ptr<ToolFetch>> fetches_;  // in-flight tools/list per context
  std::shared_ptr<LogRouter> logs_;                     // unsolicited notifications/message -> requests
  std::shared_ptr<SubscriptionHub> subscriptions_;      // subscriptions/listen streams
  std::shared_ptr<pool::SessionPool> pool_;
  std::shared_ptr<TaskBridge> tasks_;                   // io.modelcontextprotocol/tasks (bridge/tasks.hpp)
  std::shared_ptr<Mrtr> mrtr_;                          // multi round-trip requests (bridge/mrtr.hpp)
  std::shared_ptr<boost::asio::steady_timer> probe_timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> probe_auth_warned_{false};  // "alive but the probe's credentials are refused" logged once
};

}  // namespace mcp::bridge
