// Shared by the upstream tests: running one coroutine to completion on an
// io_context, bounded in time, and the requests every session test sends.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "upstream/upstream_session.hpp"

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

// For the in-test servers: hands every accepted socket to `serve` until the
// acceptor is closed.
template <class Serve>
boost::asio::awaitable<void> accept_each(boost::asio::ip::tcp::acceptor& acceptor, Serve serve) {
  for (;;) {
    boost::system::error_code ec;
    auto s = co_await acceptor.async_accept(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;
    serve(std::move(s));
  }
}

inline nlohmann::json init_params() {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", nlohmann::json::object()},
          {"clientInfo", {{"name", "test"}, {"version", "1"}}}};
}

// tools/call `name` with a fresh id that is also its progress token (as the bridge does).
inline nlohmann::json tool_call(UpstreamSession& s, const std::string& name,
                                nlohmann::json args = nlohmann::json::object()) {
  const auto id = s.next_request_id();
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
          {"params", {{"name", name}, {"arguments", std::move(args)}, {"_meta", {{"progressToken", id}}}}}};
}

// Starts `s`, which must fail with an UpstreamError; returns its message
// (ADD_FAILURE and "" when start succeeded or threw something else).
inline std::string start_error(boost::asio::io_context& ctx, UpstreamSession& s) {
  try {
    run_co(ctx, s.start(init_params()));
  } catch (const UpstreamError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "start threw something other than UpstreamError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "start succeeded";
  return "";
}

}  // namespace mcp::upstream::test
