// One deadline for whatever a connection is reading, instead of racing each
// read against its own timer. `read || timer` (awaitable operators) spawns a
// coroutine for each side and a parallel group around them: three per request
// (idle wait, header, body) showed in the profile. Here the read is bound to
// the deadline's cancellation slot (bind()) and one timer, kept for the whole
// connection, cancels it when the deadline passes.
//
// The timer is rarely re-armed: moving the deadline later (the common case,
// one request after another) only stores the new time; when the timer fires
// before it, it waits again for the rest. Only a deadline earlier than the
// pending wait restarts the timer.
//
// Strand-only: every call and the timer's handler run on the connection's
// executor. Held by shared_ptr: a pending wait keeps it alive; stop() (at the
// end of the connection) ends the wait, so the io_context has no work left.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

namespace mcp::downstream {

class Deadline : public std::enable_shared_from_this<Deadline> {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Deadline(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {}

  // Operations bound with bind(token) are cancelled once `timeout` has passed.
  void expires_after(Clock::duration timeout) {
    expired_ = false;
    deadline_ = Clock::now() + timeout;
    if (stopped_) return;
    if (!waiting_) {
      waiting_ = true;
      wait();
    } else if (deadline_ < timer_.expiry()) {
      wait();  // restarts the timer (the pending wait completes as cancelled, and is ignored)
    }
  }
  void expires_never() { deadline_ = Clock::time_point::max(); }
  // The deadline passed (since the last expires_after): an operation that
  // failed meanwhile failed because of it.
  bool expired() const { return expired_; }
  // Ends the timer for good (the connection is closing).
  void stop() {
    stopped_ = true;
    deadline_ = Clock::time_point::max();
    timer_.cancel();
  }

  template <class CompletionToken>
  auto bind(CompletionToken&& token) {
    return boost::asio::bind_cancellation_slot(signal_.slot(), std::forward<CompletionToken>(token));
  }

 private:
  void wait() {
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped_) return;  // restarted (another wait is pending) or stopped
      self->on_timer();
    });
  }
  void on_timer() {
    if (deadline_ == Clock::time_point::max()) {  // disarmed meanwhile: sleep until armed again
      waiting_ = false;
    } else if (Clock::now() < deadline_) {  // moved later meanwhile: wait for the rest
      wait();
    } else {
      waiting_ = false;
      expired_ = true;
      deadline_ = Clock::time_point::max();
      // What `||` did to the losing side: cancel it, every cancellation type.
      signal_.emit(boost::asio::cancellation_type::all);
    }
  }

  boost::asio::steady_timer timer_;
  boost::asio::cancellation_signal signal_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool waiting_ = false;  // a wait is pending whose completion will look at deadline_
  bool expired_ = false;
  bool stopped_ = false;
};

}  // namespace mcp::downstream
