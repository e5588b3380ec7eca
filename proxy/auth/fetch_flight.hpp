#pragma once
// One fetch in progress on a strand (a JWK Set, an issuer's metadata, an
// upstream's resource metadata): callers arriving while it runs wait for it
// instead of starting their own. An event made of a timer that never expires
// by itself; finish() wakes every waiter. Used on its strand only.
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mcp::auth {

class FetchFlight {
 public:
  explicit FetchFlight(const boost::asio::strand<boost::asio::any_io_executor>& strand) : done_(strand) {
    done_.expires_at(std::chrono::steady_clock::time_point::max());
  }
  boost::asio::awaitable<void> wait() {
    co_await done_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  void finish() { done_.cancel(); }

 private:
  boost::asio::steady_timer done_;
};

}  // namespace mcp::auth
