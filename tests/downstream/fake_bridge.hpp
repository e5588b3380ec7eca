// A scripted Bridge for the downstream server tests (no upstream involved).
// Behaviour by method / tool name:
//   tools/call name "progress": two notifications from another thread, then a result
//   tools/call name "hang":     waits (up to 20 s) until cancelled; counts cancellations
//   tools/call name "error400": Reply{400, -32602 error}
//   tools/call name "throw":    throws (a Bridge bug the server must survive)
//   subscriptions/listen:       an acknowledgment, then open until close_subscriptions()
//                               (completion result) or cancelled (counts cancellations)
//   notifications/*:            Reply{202, null}
//   anything else:              Reply{200, result {"echo": method}}
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bridge/bridge.hpp"

namespace mcp::test {

class FakeBridge : public bridge::Bridge {
 public:
  boost::asio::awaitable<bridge::Reply> handle(bridge::DownstreamRequest req,
                                                bridge::NotificationSink sink) override {
    using json = nlohmann::json;
    {
      std::lock_guard lock(mutex_);
      last_ = req;
    }
    ++calls;
    const json& m = req.message;
    const std::string method = m.value("method", "");
    json id = m.contains("id") ? m["id"] : json(nullptr);
    if (!m.contains("id")) co_return bridge::Reply{202, json(nullptr)};
    const std::string tool = method == "tools/call" ? m["params"].value("name", "") : "";
    auto ex = co_await boost::asio::this_coro::executor;
    if (tool == "progress") {
      std::thread([sink] {  // the sink is called from a foreign thread, as the upstream reader would
        for (int i = 1; i <= 2; ++i)
          sink({{"jsonrpc", "2.0"}, {"method", "notifications/progress"},
                {"params", {{"progressToken", "tok"}, {"progress", i}, {"total", 2}}}});
      }).join();
      boost::asio::steady_timer t(ex, std::chrono::milliseconds(20));
      co_await t.async_wait(boost::asio::use_awaitable);
      co_return bridge::Reply{200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"content", json::array()}}}}};
    }
    if (tool == "hang") {
      ++hanging;
      boost::asio::steady_timer t(ex, std::chrono::seconds(20));
      auto [ec] = co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      --hanging;
      if (ec == boost::asio::error::operation_aborted) {
        ++cancelled;
        throw boost::system::system_error(ec);
      }
      co_return bridge::Reply{200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"late", true}}}}};
    }
    if (method == "subscriptions/listen") {
      sink({{"jsonrpc", "2.0"},
            {"method", "notifications/subscriptions/acknowledged"},
            {"params", {{"_meta", {{"io.modelcontextprotocol/subscriptionId", id}}}, {"notifications", json::object()}}}});
      auto timer = std::make_shared<boost::asio::steady_timer>(ex, std::chrono::seconds(20));
      {
        std::lock_guard lock(mutex_);
        if (subscriptions_closed_) co_return bridge::Reply{503, json(nullptr)};
        listen_timers_.push_back(timer);
      }
      ++listening;
      auto [ec] = co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      --listening;
      auto state = co_await boost::asio::this_coro::cancellation_state;
      if (state.cancelled() != boost::asio::cancellation_type::none) {
        ++cancelled;
        throw boost::system::system_error(boost::asio::error::operation_aborted);
      }
      co_return bridge::Reply{200, {{"jsonrpc", "2.0"},
                                    {"id", id},
                                    {"result",
                                     {{"resultType", "complete"},
                                      {"_meta", {{"io.modelcontextprotocol/subscriptionId", id}}}}}}};
    }
    if (tool == "throw") throw std::runtime_error("bridge bug");  // breaks the no-throw contract
    if (tool == "error400")
      co_return bridge::Reply{400, {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32602}, {"message", "bad"}}}}};
    co_return bridge::Reply{200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"echo", method}}}}};
  }

  bool upstream_healthy() const override { return healthy.load(); }

  void close_subscriptions() override {
    std::lock_guard lock(mutex_);
    subscriptions_closed_ = true;
    ++close_calls;
    for (auto& t : listen_timers_) boost::asio::post(t->get_executor(), [t] { t->cancel(); });
    listen_timers_.clear();
  }

  bridge::DownstreamRequest last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

  std::atomic<bool> healthy{true};
  std::atomic<int> calls{0}, hanging{0}, cancelled{0}, listening{0}, close_calls{0};

 private:
  std::mutex mutex_;
  bridge::DownstreamRequest last_;
  bool subscriptions_closed_ = false;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> listen_timers_;
};

// Polls `cond` every 10 ms for at most `limit`.
template <class F>
bool wait_until(F cond, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace mcp::test
