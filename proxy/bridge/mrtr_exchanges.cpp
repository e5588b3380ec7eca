#include "bridge/mrtr_exchanges.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <array>
#include <climits>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <span>
#include <stdexcept>

#include "bridge/request_state.hpp"
#include "translate/input_required.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::string draw_exchange_id() {
  // The same CSPRNG bytes as one RAND_bytes per id, drawn 4 KiB at a time per
  // thread (one RAND_bytes per request showed in the profile).
  constexpr std::size_t kIdBytes = 16;
  thread_local std::array<unsigned char, 4096> pool{};
  thread_local std::size_t used = pool.size();
  if (used + kIdBytes > pool.size()) {
    if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    used = 0;
  }
  std::string id = hex_lower(std::span<const unsigned char>(pool.data() + used, kIdBytes));
  OPENSSL_cleanse(pool.data() + used, kIdBytes);  // handed out once; not kept in memory
  used += kIdBytes;
  return id;
}

std::string Exchange::id() const {
  std::lock_guard lock(mu_);
  if (id_.empty()) id_ = draw_exchange_id();
  return id_;
}

Exchange::Exchange(asio::any_io_executor ex, std::string id, ExchangeBinding binding, json prefilled_answers,
                   std::shared_ptr<upstream::UpstreamSession> session)
    : ex_(ex),
      id_(std::move(id)),
      binding_(std::move(binding)),
      session_(std::move(session)),
      prefilled_(prefilled_answers.is_object() ? std::move(prefilled_answers) : json::object()),
      changed_(ex, 1) {}

void Exchange::wake() { changed_.try_send(boost::system::error_code{}); }

asio::awaitable<json> Exchange::ask(json server_request) {
  std::string key;
  std::shared_ptr<AnswerChannel> channel;
  {
    std::lock_guard lock(mu_);
    if (end_ && end_->kind == Kind::Cancelled) throw std::runtime_error("the client request was cancelled");
    key = translate::choose_input_key(server_request, [this](const std::string& k) {
      return open_.contains(k) || used_keys_.contains(k);
    });
    used_keys_.insert(key);
    if (auto it = prefilled_.find(key); it != prefilled_.end()) {
      json answer = translate::to_legacy_answer(server_request, *it);
      prefilled_.erase(it);
      co_return answer;
    }
    channel = std::make_shared<AnswerChannel>(ex_, 1);
    open_.emplace(key, Question{std::move(server_request), channel});
    if (!first_open_at_) first_open_at_ = Clock::now();
  }
  wake();
  // However the wait ends (answer, cancellation), the question is no longer open.
  struct Close {
    Exchange* self;
    const std::string& key;
    ~Close() {
      std::lock_guard lock(self->mu_);
      self->open_.erase(key);
    }
  } close{this, key};
  auto [ec, answer] = co_await channel->async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec) throw std::runtime_error("the client request ended before the client answered");
  co_return answer;
}

void Exchange::refuse(json required_capabilities) {
  {
    std::lock_guard lock(mu_);
    if (!end_) end_ = Outcome{Kind::MissingCapability, std::move(required_capabilities)};
  }
  wake();
}

void Exchange::finish(json legacy_response) {
  {
    std::lock_guard lock(mu_);
    if (!end_) end_ = Outcome{Kind::Final, std::move(legacy_response)};
  }
  wake();
}

void Exchange::fail(std::string message) {
  {
    std::lock_guard lock(mu_);
    if (!end_) end_ = Outcome{Kind::UpstreamFailed, std::move(message)};
  }
  wake();
}

std::optional<Exchange::Outcome> Exchange::ready_locked(Clock::time_point now, std::chrono::milliseconds gather) {
  if (end_) {
    // The upstream's response (which may be large) moves out instead of being
    // copied: one client request waits at a time, and a Final ends the exchange.
    if (end_->kind == Kind::Final) return Outcome{Kind::Final, std::move(end_->value)};
    return end_;
  }
  if (!open_.empty() && first_open_at_ && now >= *first_open_at_ + gather) {
    json requests = json::object();
    for (const auto& [key, q] : open_) requests[key] = translate::to_input_request(q.server_request);
    return Outcome{Kind::Questions, std::move(requests)};
  }
  return std::nullopt;
}

asio::awaitable<std::optional<Exchange::Outcome>> Exchange::wait(std::chrono::milliseconds gather,
                                                                 std::chrono::milliseconds timeout) {
  // One receive on changed_ per wake-up. The deadline and the end of the
  // gather window wake it through the same channel (a timer whose handler
  // calls wake()), not through a parallel group of receive and timer: every
  // tools/call, prompts/get and resources/read waits here, and the group's
  // state and the cancellation of its loser showed in the profile. A wake-up
  // left over from an earlier round only makes the loop look again.
  const auto deadline = Clock::now() + timeout;
  std::optional<asio::steady_timer> timer;  // armed when the round does not end at once
  std::optional<Clock::time_point> armed_for;
  for (;;) {
    Clock::time_point wake_at = deadline;
    {
      std::lock_guard lock(mu_);
      const auto now = Clock::now();
      if (auto outcome = ready_locked(now, gather)) co_return outcome;
      if (now >= deadline) co_return std::nullopt;
      if (!open_.empty() && first_open_at_) wake_at = std::min(wake_at, *first_open_at_ + gather);
    }
    if (armed_for != wake_at) {
      if (!timer) timer.emplace(co_await asio::this_coro::executor);
      timer->expires_at(wake_at);  // cancels the wait armed for another time
      timer->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (auto self = ec ? nullptr : weak.lock()) self->wake();
      });
      armed_for = wake_at;
    }
    auto [ec] = co_await changed_.async_receive(asio::as_tuple(asio::use_awaitable));
    // Only our own cancellation (the client went away) fails it; the channel says
    // channel_cancelled, callers have always seen operation_aborted.
    if (ec) throw boost::system::system_error(asio::error::operation_aborted);
  }
}

std::size_t Exchange::answer(const json& input_responses) {
  std::vector<std::pair<std::shared_ptr<AnswerChannel>, json>> deliveries;
  {
    std::lock_guard lock(mu_);
    prefilled_ = json::object();
    for (const auto& [key, value] : input_responses.items()) {
      auto it = open_.find(key);
      if (it == open_.end()) {
        prefilled_[key] = value;
        continue;
      }
      deliveries.emplace_back(it->second.answer, translate::to_legacy_answer(it->second.server_request, value));
      open_.erase(it);
    }
    // A new round: its questions are gathered from their own first one.
    first_open_at_.reset();
    if (!open_.empty()) first_open_at_ = Clock::now();
  }
  for (auto& [channel, answer] : deliveries) channel->try_send(boost::system::error_code{}, std::move(answer));
  return deliveries.size();
}

json Exchange::open_requests() const {
  std::lock_guard lock(mu_);
  json requests = json::object();
  for (const auto& [key, q] : open_) requests[key] = translate::to_input_request(q.server_request);
  return requests;
}

void Exchange::set_notification_handler(std::function<void(const json&)> handler) {
  std::lock_guard lock(mu_);
  on_notification_ = std::move(handler);
}

void Exchange::notify(const json& notification) {
  std::function<void(const json&)> handler;
  {
    std::lock_guard lock(mu_);
    handler = on_notification_;
  }
  if (handler) handler(notification);
}

bool Exchange::waiting_on_client() const {
  std::lock_guard lock(mu_);
  return !open_.empty();
}

void Exchange::cancel() {
  std::vector<std::shared_ptr<AnswerChannel>> waiting;
  bool attached;
  {
    std::lock_guard lock(mu_);
    if (end_ && end_->kind == Kind::Cancelled) return;
    attached = call_attached_;
    end_ = Outcome{Kind::Cancelled, nullptr};
    for (auto& [key, q] : open_) waiting.push_back(q.answer);
    open_.clear();
    prefilled_ = json::object();
    on_notification_ = nullptr;
  }
  // The upstream call first, so it ends as cancelled (the session sends
  // notifications/cancelled) rather than as a call whose question failed.
  if (attached)
    asio::post(ex_, [self = shared_from_this()] {
      if (self->call_running_) self->call_cancel_.emit(asio::cancellation_type::all);
    });
  for (auto& channel : waiting) channel->close();
  wake();
}

asio::cancellation_slot Exchange::call_started(const json& legacy_request) {
  call_timer_.emplace(legacy_request);
  std::lock_guard lock(mu_);
  call_attached_ = true;
  return call_cancel_.slot();
}

void Exchange::call_ended() {
  call_timer_.reset();
  call_running_ = false;
}

bool Exchange::cancelled() const {
  std::lock_guard lock(mu_);
  return end_ && end_->kind == Kind::Cancelled;
}

ExchangeStore::ExchangeStore(std::size_t max_exchanges, Clock clock) : max_(max_exchanges), clock_(std::move(clock)) {}

bool ExchangeStore::park(std::shared_ptr<Exchange> exchange, std::uint64_t round, std::chrono::milliseconds timeout) {
  const std::string id = exchange->id();  // before our lock: Exchange::id() takes the exchange's
  std::lock_guard lock(mu_);
  if (parked_.size() >= max_ && !parked_.contains(id)) return false;
  parked_[id] = Entry{std::move(exchange), round, clock_() + timeout};
  return true;
}

std::shared_ptr<Exchange> ExchangeStore::take(const std::string& id, std::uint64_t round) {
  std::lock_guard lock(mu_);
  auto it = parked_.find(id);
  if (it == parked_.end() || it->second.round != round || clock_() >= it->second.deadline) return nullptr;
  auto exchange = std::move(it->second.exchange);
  parked_.erase(it);
  return exchange;
}

std::vector<std::shared_ptr<Exchange>> ExchangeStore::expire() {
  std::vector<std::shared_ptr<Exchange>> out;
  std::lock_guard lock(mu_);
  const auto now = clock_();
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (now >= it->second.deadline) {
      out.push_back(std::move(it->second.exchange));
      it = parked_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<std::shared_ptr<Exchange>> ExchangeStore::clear() {
  std::vector<std::shared_ptr<Exchange>> out;
  std::lock_guard lock(mu_);
  for (auto& [id, entry] : parked_) out.push_back(std::move(entry.exchange));
  parked_.clear();
  return out;
}

std::size_t ExchangeStore::size() const {
  std::lock_guard lock(mu_);
  return parked_.size();
}

void CallRegistry::add(const void* session, std::int64_t call_id, std::weak_ptr<Exchange> exchange) {
  std::lock_guard lock(mu_);
  calls_[{session, call_id}] = std::move(exchange);
}

void CallRegistry::remove(const void* session, std::int64_t call_id) {
  std::lock_guard lock(mu_);
  calls_.erase({session, call_id});
}

std::shared_ptr<Exchange> CallRegistry::find(const void* session, const json& call_id) const {
  if (!call_id.is_number_integer()) return nullptr;
  std::lock_guard lock(mu_);
  auto it = calls_.find({session, call_id.get<std::int64_t>()});
  return it == calls_.end() ? nullptr : it->second.lock();
}

std::shared_ptr<Exchange> CallRegistry::sole_active(const void* session) const {
  std::lock_guard lock(mu_);
  std::shared_ptr<Exchange> active;
  for (auto it = calls_.lower_bound({session, INT64_MIN}); it != calls_.end() && it->first.first == session; ++it) {
    auto exchange = it->second.lock();
    if (!exchange) continue;
    if (exchange->parked() && exchange->waiting_on_client()) continue;
    if (exchange->parked() || active) return nullptr;
    active = std::move(exchange);
  }
  return active;
}

std::size_t CallRegistry::size() const {
  std::lock_guard lock(mu_);
  return calls_.size();
}

}  // namespace mcp::bridge
