#include "bridge/subscriptions.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "upstream/with_timeout.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"
#include "translate/wire_text.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
namespace err = protocol::error;
using upstream::UpstreamError;
using upstream::UpstreamSession;

// One listen stream.
struct SubscriptionHub::Listener {
  Listener(json id, NotificationSink sink, std::size_t max_early)
      : id(std::move(id)), sink(std::move(sink)), max_early(max_early) {}

  const json id;
  const NotificationSink sink;
  const std::size_t max_early;
  std::shared_ptr<asio::steady_timer> wake;  // set by listen(); cancelled (on its executor) by close_all()
  std::atomic<bool> closing{false};

  // Guarded by mu: notifications are held until the acknowledgment went out
  // (it MUST come first), then translated with the honoured filter.
  std::mutex mu;
  bool acked = false;
  bool gone = false;  // the stream ended: its sink must not be called any more
  translate::ListenFilter filter;
  std::vector<json> early;

  // Guarded by the hub's mu_: the uris this listener counts in its topic, and
  // the topic generation (upstream session) they were counted in.
  std::vector<std::string> held;
  std::uint64_t held_generation = 0;

  void offer(const json& legacy) {
    std::lock_guard lock(mu);
    if (gone) return;
    if (!acked) {
      if (early.size() < max_early)
        early.push_back(legacy);
      else
        spdlog::warn("bridge: listen {}: notification dropped while the stream was being set up", id.dump());
      return;
    }
    if (auto out = translate::to_listen_notification(legacy, filter, id)) sink(std::move(*out));
  }

  void acknowledge(translate::ListenFilter honoured) {
    std::lock_guard lock(mu);
    filter = std::move(honoured);
    sink(translate::make_listen_acknowledgment(id, filter));
    acked = true;
    for (const auto& legacy : early)
      if (auto out = translate::to_listen_notification(legacy, filter, id)) sink(std::move(*out));
    early.clear();
  }
};

// A minimal asynchronous mutex: a channel with room for one token. Serialises
// subscribe/unsubscribe of one topic across awaits (a std::mutex cannot be
// held across co_await).
class AsyncLock {
 public:
  explicit AsyncLock(asio::any_io_executor ex) : ch_(std::move(ex), 1) {}
  asio::awaitable<void> lock() { co_await ch_.async_send(boost::system::error_code{}, asio::use_awaitable); }
  void unlock() { ch_.try_receive([](boost::system::error_code) {}); }

 private:
  asio::experimental::concurrent_channel<void(boost::system::error_code)> ch_;
};

struct SubscriptionHub::Topic {
  explicit Topic(asio::any_io_executor ex) : lock(std::move(ex)) {}
  AsyncLock lock;
  // The rest is guarded by the hub's mu_.
  std::vector<std::shared_ptr<Listener>> listeners;
  std::shared_ptr<UpstreamSession> session;  // the session the refcounts belong to
  std::uint64_t generation = 0;              // bumped whenever `session` changes
  UriRefCounts refs;
};

namespace {

struct Unlock {
  AsyncLock& lock;
  ~Unlock() { lock.unlock(); }
};

// The three list_changed notifications, as a legacy upstream sends them (for
// the resync after a lost session; the listener's filter keeps what it asked for).
json legacy_notification(const char* method) { return json{{"jsonrpc", "2.0"}, {"method", method}}; }

}  // namespace

SubscriptionHub::SubscriptionHub(asio::any_io_executor ex, SubscriptionOptions opts)
    : ex_(std::move(ex)), opts_(std::move(opts)) {}

std::size_t SubscriptionHub::listeners() const { return listeners_.load(); }

std::size_t SubscriptionHub::holders(const pool::SessionKey& key, const std::string& uri) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(key);
  return it == topics_.end() ? 0 : it->second->refs.holders(uri);
}

void SubscriptionHub::close_all() {
  closing_ = true;
  std::vector<std::shared_ptr<Listener>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& w : all_)
      if (auto l = w.lock()) live.push_back(std::move(l));
  }
  for (auto& l : live) {
    l->closing = true;
    if (auto timer = l->wake) asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
}

void SubscriptionHub::on_upstream_notification(const pool::SessionKey& key, const json& notification) {
  std::vector<std::shared_ptr<Listener>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = topics_.find(key);
    if (it == topics_.end()) return;
    targets = it->second->listeners;
  }
  for (auto& l : targets) l->offer(notification);
}

std::shared_ptr<SubscriptionHub::Topic> SubscriptionHub::join(const pool::SessionKey& key,
                                                               const std::shared_ptr<Listener>& listener) {
  std::lock_guard lock(mu_);
  auto& topic = topics_[key];
  if (!topic) topic = std::make_shared<Topic>(ex_);
  topic->listeners.push_back(listener);
  std::erase_if(all_, [](const std::weak_ptr<Listener>& w) { return w.expired(); });
  all_.push_back(listener);
  return topic;
}

asio::awaitable<bool> SubscriptionHub::call_upstream(const std::shared_ptr<UpstreamSession>& session,
                                                     const char* method, const std::string& uri) {
  json request{{"jsonrpc", "2.0"}, {"id", session->next_request_id()}, {"method", method}, {"params", {{"uri", uri}}}};
  try {
    const auto limit = opts_.upstream_call_timeout;
    json response = co_await upstream::with_timeout(session->call(std::move(request), {}, {}), limit, [limit] {
      return UpstreamError("no response within " + std::to_string(limit.count()) + " ms");
    });
    if (response.is_object() && response.contains("result")) co_return true;
    spdlog::info("bridge: upstream refused {} {}: {}", method, translate::abbreviate(uri, 200),
                 response.is_object() && response.contains("error") ? translate::abbreviate(response["error"].dump(), 300)
                                                                    : std::string("malformed response"));
  } catch (const UpstreamError& e) {
    spdlog::warn("bridge: {} {} failed upstream: {}", method, translate::abbreviate(uri, 200), e.what());
  }
  co_return false;
}

// Counts the listener's uris on `session` and subscribes upstream where it is
// the first holder; drops the uris the upstream refused from its filter.
asio::awaitable<void> SubscriptionHub::attach(std::shared_ptr<Topic> topic, std::shared_ptr<Listener> listener,
                                              std::shared_ptr<UpstreamSession> session) {
  co_await topic->lock.lock();
  Unlock unlock{topic->lock};
  std::vector<std::string> wanted;
  {
    std::lock_guard lock(listener->mu);
    wanted = listener->filter.resource_subscriptions;
  }
  std::vector<std::string> first;
  {
    std::lock_guard lock(mu_);
    if (topic->session.get() != session.get()) {
      // A new upstream session: its subscriptions start empty.
      topic->session = session;
      topic->refs.clear();
      ++topic->generation;
    }
    if (listener->held_generation != topic->generation) listener->held.clear();
    listener->held_generation = topic->generation;
    for (const auto& uri : wanted) {
      if (std::find(listener->held.begin(), listener->held.end(), uri) != listener->held.end()) continue;
      listener->held.push_back(uri);
      if (topic->refs.acquire(uri)) first.push_back(uri);
    }
  }
  std::vector<std::string> refused;
  for (const auto& uri : first)
    if (!co_await call_upstream(session, "resources/subscribe", uri)) refused.push_back(uri);
  if (refused.empty()) co_return;
  {
    std::lock_guard lock(mu_);
    for (const auto& uri : refused) {
      if (listener->held_generation == topic->generation) topic->refs.release(uri);
      std::erase(listener->held, uri);
    }
  }
  std::lock_guard lock(listener->mu);
  std::erase_if(listener->filter.resource_subscriptions, [&](const std::string& uri) {
    return std::find(refused.begin(), refused.end(), uri) != refused.end();
  });
}

// Detached: runs after the listen ended however it ended (a cancelled
// coroutine cannot await its own clean-up).
asio::awaitable<void> SubscriptionHub::leave(std::shared_ptr<SubscriptionHub> self, std::shared_ptr<Topic> topic,
                                             std::shared_ptr<Listener> listener) {
  co_await topic->lock.lock();
  Unlock unlock{topic->lock};
  std::vector<std::string> last;
  std::shared_ptr<UpstreamSession> session;
  {
    std::lock_guard lock(self->mu_);
    std::erase(topic->listeners, listener);
    if (listener->held_generation == topic->generation)
      for (const auto& uri : listener->held)
        if (topic->refs.release(uri)) last.push_back(uri);
    listener->held.clear();
    session = topic->session;
  }
  if (session && session->usable())
    for (const auto& uri : last) (void)co_await self->call_upstream(session, "resources/unsubscribe", uri);
  std::lock_guard lock(self->mu_);
  if (topic->listeners.empty() && topic->refs.empty()) {
    topic->session.reset();  // ends the topic's lease on the session
    for (auto it = self->topics_.begin(); it != self->topics_.end(); ++it)
      if (it->second == topic) {
        self->topics_.erase(it);
        break;
      }
  }
  --self->listeners_;
}

asio::awaitable<Reply> SubscriptionHub::listen(ListenRequest r) {
  auto self = shared_from_this();
  auto parsed = translate::parse_listen_filter(r.params, opts_.limits);
  if (auto* problem = std::get_if<std::string>(&parsed))
    co_return error_reply(400, r.id, err::kInvalidParams, "Invalid params: " + *problem);
  if (closing_) co_return error_reply(503, r.id, err::kInternalError, "Server shutting down: no new subscriptions");
  if (listeners_.fetch_add(1) >= opts_.max_listeners) {
    --listeners_;
    co_return error_reply(503, r.id, err::kInternalError,
                          "Server busy: more than " + std::to_string(opts_.max_listeners) + " subscriptions");
  }

  auto listener = std::make_shared<Listener>(r.id, r.sink, opts_.max_early_notifications);
  listener->filter = translate::honourable_subset(std::get<translate::ListenFilter>(parsed),
                                                  r.session->initialize_result().value("capabilities", json::object()));
  listener->wake = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  auto topic = join(r.key, listener);
  // However this coroutine ends (completion, cancellation, error), the
  // listener leaves its topic and releases its upstream subscriptions.
  struct Leave {
    std::shared_ptr<SubscriptionHub> self;
    std::shared_ptr<Topic> topic;
    std::shared_ptr<Listener> listener;
    ~Leave() {
      {
        std::lock_guard lock(listener->mu);
        listener->gone = true;
      }
      asio::co_spawn(self->ex_, leave(self, topic, listener), asio::detached);
    }
  } leave_guard{self, topic, listener};

  auto session = r.session;
  co_await attach(topic, listener, session);
  {
    translate::ListenFilter honoured;
    {
      std::lock_guard lock(listener->mu);
      honoured = listener->filter;
    }
    listener->acknowledge(std::move(honoured));
  }
  spdlog::debug("bridge: listen {} open for {}", r.id.dump(), r.key.describe());

  for (;;) {
    if (closing_ || listener->closing) break;
    listener->wake->expires_after(opts_.session_check_interval);
    co_await listener->wake->async_wait(asio::as_tuple(asio::use_awaitable));
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
      throw boost::system::system_error(asio::error::operation_aborted);
    if (closing_ || listener->closing) break;
    if (session->usable()) continue;
    // The upstream session died: take the pool's next one and subscribe again.
    try {
      auto fresh = co_await r.reacquire();
      if (!fresh || !fresh->usable()) continue;
      session = std::move(fresh);
    } catch (const UpstreamError& e) {
      spdlog::warn("bridge: listen {}: upstream session lost, reconnecting: {}", r.id.dump(), e.what());
      continue;
    }
    spdlog::info("bridge: listen {}: upstream session replaced, subscriptions renewed", r.id.dump());
    co_await attach(topic, listener, session);
    for (const char* method : {"notifications/tools/list_changed", "notifications/prompts/list_changed",
                               "notifications/resources/list_changed"})
      listener->offer(legacy_notification(method));
  }
  spdlog::debug("bridge: listen {} closed by the bridge", r.id.dump());
  co_return Reply{200, translate::make_listen_completion(r.id, r.server_info)};
}

}  // namespace mcp::bridge
