// A scripted loopback HTTP server for the auth tests: answers GETs from a
// path -> (status, body) table, whatever the method (changeable while it
// runs), and records every request (method, path, Authorization, body), so a
// test asserts what the code under test fetched or posted.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "../upstream/test_support.hpp"

namespace mcp::auth::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

// Answers GETs from a path -> (status, body) table; records every path asked.
class ScriptedUpstream {
 public:
  explicit ScriptedUpstream(asio::io_context& ctx) : acceptor_(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ctx, upstream::test::accept_each(acceptor_, [this](tcp::socket s) {
                     asio::co_spawn(acceptor_.get_executor(), serve(std::move(s)), asio::detached);
                   }),
                   asio::detached);
  }
  ~ScriptedUpstream() { acceptor_.close(); }
  std::string url(const std::string& path = "/mcp") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  void set(const std::string& path, unsigned status, std::string body) {
    std::lock_guard lock(mu_);
    routes_[path] = {status, std::move(body)};
  }
  std::vector<std::string> asked() {
    std::lock_guard lock(mu_);
    return asked_;
  }
  struct Seen {
    std::string method, path, authorization, content_type, body;
  };
  std::vector<Seen> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  asio::awaitable<void> serve(tcp::socket s) {
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    boost::system::error_code ec;
    co_await http::async_read(s, buf, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const std::string path(req.target());
    {
      std::lock_guard lock(mu_);
      asked_.push_back(path);
      requests_.push_back(Seen{std::string(req.method_string()), path, std::string(req[http::field::authorization]),
                               std::string(req[http::field::content_type]), req.body()});
    }
    std::pair<unsigned, std::string> route{404, "{}"};
    {
      std::lock_guard lock(mu_);
      if (auto it = routes_.find(path); it != routes_.end()) route = it->second;
    }
    http::response<http::string_body> res{static_cast<http::status>(route.first), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = route.second;
    res.prepare_payload();
    res.keep_alive(false);
    co_await http::async_write(s, res, asio::redirect_error(asio::use_awaitable, ec));
  }

  tcp::acceptor acceptor_;
  std::map<std::string, std::pair<unsigned, std::string>> routes_;
  std::mutex mu_;
  std::vector<std::string> asked_;
  std::vector<Seen> requests_;
};

}  // namespace mcp::auth::test
