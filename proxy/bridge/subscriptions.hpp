// subscriptions/listen on top of legacy sessions (basic/patterns/subscriptions.mdx).
//
// One listen request = one long-lived handle(): the stream is acknowledged
// first with the subset the upstream can honour, then carries the upstream's
// unsolicited notifications the client opted in to, each tagged with its
// subscriptionId, until the client cancels (HTTP: closes the stream; stdio:
// notifications/cancelled, both cancel handle()) or the bridge closes it
// gracefully (close_all(), on shutdown: the listen request's completion result).
//
// Topics: listeners are grouped by the pool key of the session that feeds
// them (log level always ""), so a list_changed the upstream broadcasts to all
// its sessions is delivered once per listener, from the listen session only.
// resourceSubscriptions become upstream resources/subscribe on that session,
// reference-counted across listeners (UriRefCounts): subscribe for the first,
// unsubscribe when the last one leaves. A listener holds its session (a pool
// lease), and checks every session_check_interval that it is still usable;
// when it died (stdio child exited, HTTP session lost) it takes a new one from
// the pool, subscribes again and sends list_changed for the list types it
// honours (changes in between were missed). The HTTP upstream reconnects its
// GET stream by itself (upstream/http_upstream.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "bridge/bridge.hpp"
#include "bridge/subscription_refcounts.hpp"
#include "pool/session_key.hpp"
#include "translate/subscriptions.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::bridge {

struct SubscriptionOptions {
  // How often a listen stream checks that its upstream session still lives.
  std::chrono::milliseconds session_check_interval{1000};
  // Bound on resources/subscribe and resources/unsubscribe upstream.
  std::chrono::milliseconds upstream_call_timeout{30'000};
  std::size_t max_listeners = 1024;  // concurrent listen streams; more get -32603
  // Notifications arriving while a stream is being set up, held until its
  // acknowledgment went out; more are dropped with a warning.
  std::size_t max_early_notifications = 64;
  translate::ListenLimits limits;
};

class SubscriptionHub : public std::enable_shared_from_this<SubscriptionHub> {
 public:
  using Acquire = std::function<boost::asio::awaitable<std::shared_ptr<upstream::UpstreamSession>>()>;

  struct ListenRequest {
    json id;                                           // the listen request's id = the subscriptionId
    json params;                                       // its params (notifications filter)
    pool::SessionKey key;                              // of `session`
    std::shared_ptr<upstream::UpstreamSession> session;  // started, from the pool
    Acquire reacquire;                                 // a fresh session for `key` after this one died
    json server_info;                                  // for the completion result's _meta
    NotificationSink sink;
  };

  SubscriptionHub(boost::asio::any_io_executor ex, SubscriptionOptions opts);

  // Serves one stream until cancelled (throws operation_aborted, like every
  // cancelled handle()) or closed (returns the completion result). Invalid
  // filters, a full hub or a closing bridge answer an error at once.
  boost::asio::awaitable<Reply> listen(ListenRequest request);

  // An upstream notification not tied to a call, from the session of `key`
  // (any thread). notifications/message never reaches a listen stream.
  void on_upstream_notification(const pool::SessionKey& key, const json& notification);

  // Graceful end of every stream (and refusal of new ones). Thread-safe, idempotent.
  void close_all();

  std::size_t listeners() const;
  // Listeners holding `uri` on the topic of `key` (tests, logs).
  std::size_t holders(const pool::SessionKey& key, const std::string& uri) const;

  struct Listener;
  struct Topic;

 private:
  std::shared_ptr<Topic> join(const pool::SessionKey& key, const std::shared_ptr<Listener>& listener);
  boost::asio::awaitable<void> attach(std::shared_ptr<Topic> topic, std::shared_ptr<Listener> listener,
                                      std::shared_ptr<upstream::UpstreamSession> session);
  static boost::asio::awaitable<void> leave(std::shared_ptr<SubscriptionHub> self, std::shared_ptr<Topic> topic,
                                            std::shared_ptr<Listener> listener);
  boost::asio::awaitable<bool> call_upstream(const std::shared_ptr<upstream::UpstreamSession>& session,
                                             const char* method, const std::string& uri);

  boost::asio::any_io_executor ex_;
  SubscriptionOptions opts_;
  mutable std::mutex mu_;  // topics_ and every Topic's fields except its async lock
  std::map<pool::SessionKey, std::shared_ptr<Topic>> topics_;
  std::vector<std::weak_ptr<Listener>> all_;  // for close_all(); pruned on join
  std::atomic<std::size_t> listeners_{0};
  std::atomic<bool> closing_{false};
};

}  // namespace mcp::bridge
