// The downstream HTTP server on 127.0.0.1:0 over a fake Bridge, run by two
// threads and drained (500 ms) when the test ends: the part of the fixture
// the plain and the TLS listener tests share.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "downstream/http_listener.hpp"
#include "fake_bridge.hpp"

namespace mcp::test {

struct RunningServer {
  void start_server(downstream::HttpServerOptions opts) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    server = std::make_shared<downstream::HttpServer>(ioc.get_executor(), bridge, opts);
    server->start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }

  void stop_server() {
    if (server) {
      auto done = boost::asio::co_spawn(ioc, server->shutdown(std::chrono::milliseconds(500)), boost::asio::use_future);
      done.wait_for(std::chrono::seconds(10));
    }
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  boost::asio::io_context ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{ioc.get_executor()};
  std::vector<std::thread> threads;
  std::shared_ptr<FakeBridge> bridge = std::make_shared<FakeBridge>();
  std::shared_ptr<downstream::HttpServer> server;
};

}  // namespace mcp::test
