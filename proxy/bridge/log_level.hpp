// The per-request log level of 2026-07-28 (server/utilities/logging.mdx) on a
// legacy upstream, where the level is per session (2025-11-25 logging/setLevel).
//
// - The pool partitions sessions by level (pool::SessionKey::log_level), so a
//   level set for one request never changes what another request receives.
// - apply_log_level is the pool's SessionStarted hook: a fresh session for a
//   key with a level gets logging/setLevel once, before anyone uses it.
// - LogRouter carries notifications/message that arrive outside a call (the
//   GET stream of an HTTP upstream, a stdio child's stdout) to the requests in
//   flight on that session which asked for logs, and nowhere else: never to a
//   request without logLevel (their sessions never got setLevel and they are
//   not attached), never to a subscriptions/listen stream. Messages on a
//   call's own response stream reach that call directly (UpstreamSession::call).
//   Which of several concurrent same-level requests an unrelated message
//   belongs to is unknowable, so each of them receives it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include <boost/asio/awaitable.hpp>

#include "pool/session_key.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::bridge {

// SessionPool::SessionStarted: logging/setLevel {level: key.log_level} when the
// key has a level and the upstream declares `logging`. An error answer is
// logged and tolerated (the request then simply receives no messages);
// an unreachable upstream throws UpstreamError like a failed initialize.
boost::asio::awaitable<void> apply_log_level(pool::SessionKey key, std::shared_ptr<upstream::UpstreamSession> session);

class LogRouter {
 public:
  using Deliver = std::function<void(const nlohmann::json& legacy_notification)>;

  // Detaches on destruction.
  class Attachment {
   public:
    Attachment() = default;
    Attachment(std::shared_ptr<LogRouter> router, pool::SessionKey key, std::uint64_t id)
        : router_(std::move(router)), key_(std::move(key)), id_(id) {}
    Attachment(Attachment&& o) noexcept = default;
    Attachment& operator=(Attachment&& o) noexcept;
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;
    ~Attachment() { reset(); }
    void reset();

   private:
    std::shared_ptr<LogRouter> router_;
    pool::SessionKey key_;
    std::uint64_t id_ = 0;
  };

  // A request with a log level, served by the session of `key`, from now
  // until the Attachment goes. Thread-safe.
  static Attachment attach(const std::shared_ptr<LogRouter>& self, const pool::SessionKey& key, Deliver deliver);

  // An unsolicited upstream notifications/message from the session of `key`.
  // Returns how many requests received it. Thread-safe; calls outside the lock.
  std::size_t deliver(const pool::SessionKey& key, const nlohmann::json& notification);

  std::size_t attached() const;

 private:
  void detach(const pool::SessionKey& key, std::uint64_t id);

  mutable std::mutex mu_;
  std::uint64_t next_id_ = 0;
  std::map<pool::SessionKey, std::map<std::uint64_t, std::shared_ptr<Deliver>>> by_key_;
};

}  // namespace mcp::bridge
