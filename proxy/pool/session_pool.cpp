#include "pool/session_pool.hpp"
#include "upstream/http_upstream.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "observe/metrics.hpp"
#include "upstream/inline_strand.hpp"
#include "upstream/upstream_credentials.hpp"
#include "upstream/with_timeout.hpp"

namespace mcp::pool {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using upstream::UpstreamError;
using upstream::UpstreamSession;
using upstream::with_timeout;

struct SessionPool::Entry {
  explicit Entry(const asio::any_io_executor& strand) : ready_signal(strand, clock_type::time_point::max()) {}
  SessionKey key;
  std::shared_ptr<UpstreamSession> session;
  bool ready = false;              // start() succeeded
  std::exception_ptr start_error;  // start() failed (entry already removed)
  // Waiters of the shared initialize park on this timer; it is cancelled when
  // start() completes either way.
  asio::steady_timer ready_signal;
  // Requests holding the session (see Lease); touched from any thread.
  std::atomic<int> leases{0};
  std::atomic<clock_type::rep> last_used{clock_type::now().time_since_epoch().count()};

  void touch() { last_used.store(clock_type::now().time_since_epoch().count()); }
  clock_type::time_point last_used_at() const { return clock_type::time_point(clock_type::duration(last_used.load())); }
  // Busy while a request holds it or calls are in flight.
  bool busy() const { return leases.load() > 0 || session->in_flight() > 0; }
};

// Why the pool does not hand its caller's cancellation slot to co_spawn:
// Boost 1.81's co_spawn, given a connected slot and a strand, installs a
// handler there that *posts* `emit` to the strand with a raw pointer to a
// signal living inside that handler. When the spawned coroutine completes
// first, the caller resumes and clears its slot (destroying the handler and
// the signal) before the posted emit runs: emit on a dead signal, SIGSEGV
// (reported upstream as asio issue #1332).
// It hit whenever a client dropped mid-request or SIGTERM cut connections
// while requests were in acquire(). Here the signal is shared by the handler
// in the caller's slot and every emit it posts, and only the strand touches
// it. `requested` keeps a cancellation that would arrive before the wait
// begins (today strand order rules that out: the emit is queued behind
// co_spawn's entry, and nothing suspends before the wait; this keeps it so).
struct SessionPool::CallerCancellation {
  asio::cancellation_signal signal;
  asio::cancellation_type requested = asio::cancellation_type::none;
};

namespace {
// co_spawn's completion token without any cancellation slot.
auto uncancellable_awaitable() {
  return asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable);
}

// Free coroutines instead of capturing coroutine lambdas: GCC 12 destroys
// lambda captures of coroutines twice (seen under ASan).
asio::awaitable<void> shutdown_quietly(std::shared_ptr<UpstreamSession> session) {
  try {
    co_await session->shutdown();
  } catch (const std::exception& e) {
    spdlog::debug("pool: upstream session shutdown failed: {}", e.what());
  }
}

// start(), then the SessionStarted hook: one awaitable for one time bound.
asio::awaitable<void> start_session(std::shared_ptr<UpstreamSession> session, SessionKey key, json initialize_params,
                                    SessionPool::SessionStarted started) {
  co_await session->start(std::move(initialize_params));
  if (started) co_await started(std::move(key), session);
}

// What acquire() hands out: the caller sees a plain shared_ptr<UpstreamSession>
// (aliasing constructor); when its last copy goes, the lease ends and the
// session counts as idle from then on.
struct Lease {
  explicit Lease(std::shared_ptr<SessionPool::Entry> e) : entry(std::move(e)) { ++entry->leases; }
  ~Lease() {
    entry->touch();
    --entry->leases;
  }
  std::shared_ptr<SessionPool::Entry> entry;
};

std::shared_ptr<UpstreamSession> lease(const std::shared_ptr<SessionPool::Entry>& entry) {
  auto l = std::make_shared<Lease>(entry);
  return std::shared_ptr<UpstreamSession>(l, entry->session.get());
}
}  // namespace

std::shared_ptr<SessionPool> SessionPool::create(asio::any_io_executor ex,
                                                 std::shared_ptr<upstream::SessionFactory> factory, PoolOptions opts,
                                                 SessionSetup setup, SessionStarted started) {
  std::shared_ptr<SessionPool> pool(
      new SessionPool(std::move(ex), std::move(factory), opts, std::move(setup), std::move(started)));
  const auto interval = std::clamp<std::chrono::milliseconds>(pool->opts_.idle_timeout / 2,
                                                              std::chrono::milliseconds(10), std::chrono::seconds(30));
  asio::co_spawn(pool->strand_, idle_sweeper(pool, interval), asio::detached);
  return pool;
}

SessionPool::SessionPool(asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory, PoolOptions opts,
                         SessionSetup setup, SessionStarted started)
    : strand_(upstream::make_inline_strand(ex)),
      factory_(std::move(factory)),
      opts_(opts),
      setup_(std::move(setup)),
      started_(std::move(started)),
      sweep_timer_(strand_) {
  if (opts_.max_sessions == 0) opts_.max_sessions = 1;
}

SessionPool::~SessionPool() {
  // Withdraw this pool's share of the session gauges.
  observe::metrics().sessions_open.add(-published_open_);
  observe::metrics().sessions_initializing.add(-published_initializing_);
}

void SessionPool::update_size() {
  size_.store(entries_.size());
  std::int64_t open = 0, initializing = 0;
  for (const auto& [key, e] : entries_) ++(e->ready ? open : initializing);
  observe::metrics().sessions_open.add(open - published_open_);
  observe::metrics().sessions_initializing.add(initializing - published_initializing_);
  published_open_ = open;
  published_initializing_ = initializing;
}

asio::awaitable<std::shared_ptr<UpstreamSession>> SessionPool::acquire(SessionKey key,
                                                                       InitializeParams initialize_params) {
  // Nearly every request: a ready session, on this thread, no suspension.
  if (auto session = try_acquire_ready(key)) co_return session;
  // The bookkeeping runs on the strand. The caller's cancellation reaches it
  // through `cancel` (see CallerCancellation), not through co_spawn's slot.
  auto cancel = std::make_shared<CallerCancellation>();
  if (auto caller = (co_await asio::this_coro::cancellation_state).slot(); caller.is_connected()) {
    // Cleared when the co_spawn below completes (the awaitable clears its slot).
    caller.assign([cancel, strand = strand_](asio::cancellation_type type) {
      asio::dispatch(strand, [cancel, type] {
        cancel->requested |= type;
        cancel->signal.emit(type);
      });
    });
  }
  co_return co_await asio::co_spawn(strand_, acquire_on_strand(std::move(key), std::move(initialize_params), cancel),
                                    uncancellable_awaitable());
}

std::shared_ptr<UpstreamSession> SessionPool::try_acquire_ready(const SessionKey& key) {
  std::lock_guard lock(ready_mu_);
  auto it = ready_.find(key);
  if (it == ready_.end() || !it->second->session->usable()) return nullptr;
  it->second->touch();
  return lease(it->second);
}

bool SessionPool::withdraw_if_idle(const std::shared_ptr<Entry>& entry) {
  std::lock_guard lock(ready_mu_);
  if (entry->busy()) return false;
  if (auto it = ready_.find(entry->key); it != ready_.end() && it->second == entry) ready_.erase(it);
  return true;
}

void SessionPool::withdraw(const SessionKey& key) {
  std::lock_guard lock(ready_mu_);
  ready_.erase(key);
}

asio::awaitable<std::shared_ptr<UpstreamSession>> SessionPool::acquire_on_strand(
    SessionKey key, InitializeParams initialize_params, std::shared_ptr<CallerCancellation> cancel) {
  auto self = shared_from_this();
  // Bounded: a session that dies right after its initialize is recreated at most twice.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (stopped_) throw UpstreamError("upstream session pool is shut down");
    if (auto it = entries_.find(key); it != entries_.end()) {
      auto entry = it->second;
      if (!entry->ready && !entry->start_error) {
        if (cancel->requested == asio::cancellation_type::none) {
          observe::metrics().pool_waits.inc();
          const auto waited_from = clock_type::now();
          // Only this wait is cancelled: the shared initialize goes on for the others.
          co_await entry->ready_signal.async_wait(
              asio::bind_cancellation_slot(cancel->signal.slot(), asio::as_tuple(asio::use_awaitable)));
          cancel->signal.slot().clear();  // a later emit must not reach the finished wait
          observe::metrics().pool_wait_duration.observe(clock_type::now() - waited_from);
        }
        if (!entry->ready && !entry->start_error)  // woken without a completion: we were cancelled
          throw boost::system::system_error(asio::error::operation_aborted);
      }
      if (entry->start_error) std::rethrow_exception(entry->start_error);
      if (entry->session->usable()) {
        entry->touch();
        co_return lease(entry);
      }
      if (auto cur = entries_.find(key); cur != entries_.end() && cur->second == entry) {
        withdraw(key);
        entries_.erase(cur);
        update_size();
      }
      observe::metrics().record_eviction(observe::EvictReason::Unusable);
      retire(entry->session, "it is no longer usable");
      continue;
    }

    if (entries_.size() >= opts_.max_sessions && !make_room())
      throw PoolExhausted("upstream session pool is full: all " + std::to_string(opts_.max_sessions) +
                          " sessions are busy (raise the maximum number of upstream sessions)");

    auto entry = std::make_shared<Entry>(strand_);
    entry->key = key;
    try {
      entry->session = factory_->create(upstream::SessionContext{key.authorization});
    } catch (const std::exception& e) {
      record_failure();
      throw UpstreamError(std::string("cannot create upstream session: ") + e.what());
    }
    if (!entry->session) throw UpstreamError("cannot create upstream session: the factory returned none");
    if (setup_) setup_(key, *entry->session);
    entries_[key] = entry;
    update_size();
    ++created_;
    observe::metrics().sessions_started.inc();
    spdlog::info("pool: starting upstream session for {} ({} sessions)", key.describe(), entries_.size());
    // Detached: the shared initialize must not die with whichever caller came first.
    asio::co_spawn(strand_, start_entry(entry, initialize_params.make()), asio::detached);
  }
  throw UpstreamError("upstream session became unusable right after initialize, repeatedly");
}

asio::awaitable<void> SessionPool::start_entry(std::shared_ptr<Entry> entry, json initialize_params) {
  auto self = shared_from_this();
  std::exception_ptr error;
  try {
    const auto limit = opts_.start_timeout;
    co_await with_timeout(start_session(entry->session, entry->key, std::move(initialize_params), started_), limit,
                          [limit] {
                            return UpstreamError("upstream did not complete initialize within " +
                                                 std::to_string(limit.count()) + " ms");
                          });
  } catch (const UpstreamError&) {
    error = std::current_exception();
  } catch (const std::exception& e) {
    error = std::make_exception_ptr(UpstreamError(std::string("upstream initialize failed: ") + e.what()));
  }
  if (error) {
    entry->start_error = error;
    if (auto cur = entries_.find(entry->key); cur != entries_.end() && cur->second == entry) {
      entries_.erase(cur);
      update_size();
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      // A 401/403 refused the credentials of this key: the client's problem,
      // not an upstream failure (never counts toward /healthz).
      if (upstream::authorization_failure_status(e)) {
        spdlog::debug("pool: upstream refused the credentials of {}: {}", entry->key.describe(), e.what());
      } else if (dynamic_cast<const upstream::UpstreamCredentialsError*>(&e)) {
        // The bridge cannot get its own upstream token (auth/upstream_token_source.hpp): its
        // configuration's problem, not the upstream's either.
        spdlog::warn("pool: upstream session for {} failed to start: {}", entry->key.describe(), e.what());
      } else {
        record_failure();
        spdlog::warn("pool: upstream session for {} failed to start: {}", entry->key.describe(), e.what());
      }
    }
    retire(entry->session, "its initialize failed");
  } else {
    entry->ready = true;
    entry->touch();
    if (auto cur = entries_.find(entry->key); !stopped_ && cur != entries_.end() && cur->second == entry) {
      std::lock_guard lock(ready_mu_);
      ready_[entry->key] = entry;
    }
    update_size();
    record_success();
    spdlog::info("pool: upstream session ready for {}", entry->key.describe());
  }
  entry->ready_signal.cancel();
}

bool SessionPool::make_room() {
  auto victim = entries_.end();
  bool withdrawn = false;
  // A victim the fast path leased meanwhile is busy on the next pass; each
  // pass either withdraws one or finds one entry fewer idle.
  for (std::size_t pass = 0; pass <= entries_.size() && !withdrawn; ++pass) {
    victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      const auto& e = it->second;
      if (!e->ready || e->busy()) continue;
      if (victim == entries_.end() || e->last_used_at() < victim->second->last_used_at()) victim = it;
    }
    if (victim == entries_.end()) return false;
    withdrawn = withdraw_if_idle(victim->second);
  }
  if (!withdrawn) return false;
  auto session = victim->second->session;
  spdlog::info("pool: evicting least recently used session {} to make room", victim->first.describe());
  entries_.erase(victim);
  update_size();
  observe::metrics().record_eviction(observe::EvictReason::Capacity);
  retire(std::move(session), "the pool needed room");
  return true;
}

void SessionPool::retire(std::shared_ptr<UpstreamSession> session, const char* why) {
  if (!session) return;
  spdlog::info("pool: shutting down an upstream session because {}", why);
  asio::co_spawn(strand_, shutdown_quietly(std::move(session)), asio::detached);
}

asio::awaitable<void> SessionPool::idle_sweeper(std::weak_ptr<SessionPool> weak, std::chrono::milliseconds interval) {
  // Holds only a weak reference (taken before the coroutine first runs): the
  // pool's destruction cancels the timer and ends the loop.
  for (;;) {
    asio::steady_timer* timer = nullptr;
    {
      auto self = weak.lock();
      if (!self || self->stopped_) co_return;
      self->sweep_timer_.expires_after(interval);
      timer = &self->sweep_timer_;
    }
    // While waiting the pool may die; its timer's destructor completes this wait.
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    auto self = weak.lock();
    if (!self || self->stopped_) co_return;
    self->sweep_idle();
  }
}

void SessionPool::sweep_idle() {
  const auto now = clock_type::now();
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto& e = it->second;
    const bool dead = e->ready && !e->session->usable();
    const bool expired = !dead && e->ready && !e->busy() && now - e->last_used_at() >= opts_.idle_timeout &&
                         withdraw_if_idle(e);
    if (dead) withdraw(it->first);
    if (expired || dead) {
      auto session = e->session;
      spdlog::info("pool: dropping {} session {}", dead ? "unusable" : "idle", it->first.describe());
      it = entries_.erase(it);
      observe::metrics().record_eviction(dead ? observe::EvictReason::Unusable : observe::EvictReason::Idle);
      retire(std::move(session), dead ? "it is no longer usable" : "it was idle too long");
    } else {
      ++it;
    }
  }
  update_size();
}

asio::awaitable<std::vector<std::shared_ptr<UpstreamSession>>> SessionPool::stop_on_strand(
    std::shared_ptr<SessionPool> self) {
  self->stopped_ = true;
  self->sweep_timer_.cancel();
  std::vector<std::shared_ptr<UpstreamSession>> out;
  for (auto& [key, e] : self->entries_)
    if (e->session) out.push_back(e->session);
  self->entries_.clear();
  {
    std::lock_guard lock(self->ready_mu_);
    self->ready_.clear();
  }
  self->update_size();
  co_return out;
}

asio::awaitable<void> SessionPool::shutdown() {
  auto self = shared_from_this();
  // Never suspends on the strand: nothing to cancel (and see CallerCancellation).
  auto sessions = co_await asio::co_spawn(strand_, stop_on_strand(self), uncancellable_awaitable());
  spdlog::info("pool: shutting down {} upstream sessions", sessions.size());
  for (auto& s : sessions) co_await shutdown_quietly(s);
}

void SessionPool::record_failure() {
  if (consecutive_failures_.fetch_add(1) + 1 >= opts_.unhealthy_after_failures && healthy_.exchange(false))
    spdlog::warn("pool: upstream marked unhealthy after {} consecutive failures (/healthz answers 503)",
                 opts_.unhealthy_after_failures);
}

void SessionPool::record_success() {
  consecutive_failures_.store(0);
  if (!healthy_.exchange(true)) spdlog::info("pool: upstream healthy (/healthz answers 200)");
}

}  // namespace mcp::pool
