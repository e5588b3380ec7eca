// Runs an awaitable with a deadline. Unlike `op || timer` (awaitable_operators,
// which waits for the first *success*), the first completion wins, so an
// operation that fails fast reports its own error at once instead of waiting
// out the timer. The loser is cancelled (a cancelled upstream call sends
// notifications/cancelled). Cancelling the caller cancels both and surfaces
// as operation_aborted, never as a timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <exception>
#include <utility>

namespace mcp::upstream {

// Throws `on_timeout()` (an exception object) when the deadline passes first.
template <class T, class MakeTimeoutError>
boost::asio::awaitable<T> with_timeout(boost::asio::awaitable<T> op, std::chrono::steady_clock::duration timeout,
                                       MakeTimeoutError on_timeout) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, timeout);
  if constexpr (std::is_void_v<T>) {
    auto [order, op_error, timer_error] =
        co_await asio::experimental::make_parallel_group(asio::co_spawn(ex, std::move(op), asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) {
      if (op_error) std::rethrow_exception(op_error);
      co_return;
    }
    if (timer_error) throw boost::system::system_error(timer_error);  // we were cancelled
    throw on_timeout();
  } else {
    auto [order, op_error, value, timer_error] =
        co_await asio::experimental::make_parallel_group(asio::co_spawn(ex, std::move(op), asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) {
      if (op_error) std::rethrow_exception(op_error);
      co_return std::move(value);
    }
    if (timer_error) throw boost::system::system_error(timer_error);  // we were cancelled
    throw on_timeout();
  }
}

}  // namespace mcp::upstream
