// Running one coroutine to completion on an io_context in a test, bounded in time.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace mcp::upstream::test {

template <class T>
T run_co(boost::asio::io_context& ctx, boost::asio::awaitable<T> aw,
         std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  std::optional<T> result;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(ctx, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) result.emplace(std::move(v));
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (ctx.stopped()) ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(20));
  }
  if (!done) throw std::runtime_error("test coroutine did not finish in time");
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

inline void run_co(boost::asio::io_context& ctx, boost::asio::awaitable<void> aw,
                   std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  run_co(ctx, [](boost::asio::awaitable<void> a) -> boost::asio::awaitable<int> {
    co_await std::move(a);
    co_return 0;
  }(std::move(aw)), limit);
}

// Lets background work (loops, detached coroutines) run for a while.
inline void run_for(boost::asio::io_context& ctx, std::chrono::milliseconds d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ctx.stopped()) ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(10));
  }
}

// Runs until `pred` holds (bounded).
template <class Pred>
bool run_until(boost::asio::io_context& ctx, Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < deadline) {
    if (ctx.stopped()) ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(10));
  }
  return pred();
}

}  // namespace mcp::upstream::test
