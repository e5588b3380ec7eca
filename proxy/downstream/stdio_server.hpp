// `--stdio`: the bridge itself speaks 2026-07-28 as newline-delimited
// JSON-RPC on its own stdin/stdout (basic/transports/stdio.mdx). Requests are
// handled concurrently through Bridge::handle (via_http = false); one writer
// serialises every line to stdout; `notifications/cancelled` cancels the
// matching in-flight handle() and no response is sent for it
// (basic/patterns/cancellation.mdx); EOF on stdin lets in-flight requests
// finish (bounded by the drain timeout), then run() returns.
// Only protocol goes to stdout; logs go to stderr (config/logging.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "bridge/bridge.hpp"

namespace mcp::observe {
class AccessLog;
}

namespace mcp::downstream {

struct StdioServerOptions {
  std::size_t max_line_bytes = 16 * 1024 * 1024;  // longer input lines: -32700 error, skipped
  std::size_t max_in_flight = 1024;               // more concurrent requests: -32603 "busy" error
  std::size_t max_queued_lines = 4096;            // output lines waiting for stdout; notifications beyond are dropped
  std::chrono::milliseconds drain_timeout{30'000};
  // One line per request (observe/access_log.hpp); null: off.
  std::shared_ptr<observe::AccessLog> access_log;
};

class StdioServer : public std::enable_shared_from_this<StdioServer> {
 public:
  // Takes ownership of both file descriptors (normally 0 and 1).
  StdioServer(boost::asio::any_io_executor ex, std::shared_ptr<bridge::Bridge> bridge, StdioServerOptions options,
              int in_fd = 0, int out_fd = 1);

  // Serves until EOF on the input (or stop()), then drains and returns.
  boost::asio::awaitable<void> run();
  // Thread-safe: behave as if the input ended (graceful shutdown).
  void stop();

 private:
  struct InFlight {
    boost::asio::cancellation_signal signal;
    bool cancelled = false;  // strand-only
    std::shared_ptr<std::atomic<bool>> silenced = std::make_shared<std::atomic<bool>>(false);  // read by the sink
  };
  using OutChannel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, std::string)>;

  boost::asio::awaitable<void> serve();  // run() on the strand
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void on_line(std::string_view line);
  void start_request(nlohmann::json message);
  void cancel_request(const nlohmann::json& params);
  boost::asio::awaitable<void> handle_request(nlohmann::json message, std::shared_ptr<InFlight> entry);
  boost::asio::awaitable<void> handle_notification(nlohmann::json message);
  void send_line_now(const nlohmann::json& message);  // non-blocking; drops with a warning when the queue is full

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<bridge::Bridge> bridge_;
  StdioServerOptions options_;
  boost::asio::posix::stream_descriptor in_;
  boost::asio::posix::stream_descriptor out_;
  int in_fd_ = -1, out_fd_ = -1;   // used directly when the fd cannot be polled (a regular file)
  bool in_pollable_ = true, out_pollable_ = true;
  std::shared_ptr<OutChannel> out_queue_;
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;  // key: id.dump(); strand-only
  std::size_t active_ = 0;  // requests + notifications being handled; strand-only
  bool stopping_ = false;   // strand-only
};

}  // namespace mcp::downstream
