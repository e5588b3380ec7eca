#include "observe/metrics_listener.hpp"

#include <atomic>
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "observe/exposition.hpp"

namespace mcp::observe {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

MetricsListener::MetricsListener(asio::any_io_executor ex, MetricsListenerOptions options)
    : ex_(ex), acceptor_(asio::make_strand(ex)), options_(std::move(options)) {}

void MetricsListener::start() {
  tcp::endpoint endpoint{asio::ip::make_address(options_.host), options_.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  // Not "listening on": scripts take that line for the MCP endpoint.
  spdlog::info("metrics: Prometheus text at http://{}:{}/metrics",
               endpoint.address().is_v6() ? "[" + options_.host + "]" : options_.host, port_);
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("metrics: accept loop ended: {}", ex.what());
    }
  });
}

void MetricsListener::stop() {
  stopped_ = true;
  asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
  });
}

asio::awaitable<void> MetricsListener::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ex_), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      spdlog::warn("metrics: accept failed: {}", ec.message());
      continue;
    }
    if (connections_->load() >= options_.max_connections) continue;  // closed at once: scrapers retry
    auto exec = socket.get_executor();
    ++*connections_;
    asio::co_spawn(exec, serve(std::move(socket)), [self, n = connections_](std::exception_ptr) { --*n; });
  }
}

asio::awaitable<void> MetricsListener::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::empty_body> parser;  // a scrape has no body; one with a body is refused
    parser.header_limit(8 * 1024);
    parser.body_limit(0);
    stream.expires_after(std::chrono::seconds(10));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec) break;
    const auto& req = parser.get();
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.keep_alive(req.keep_alive() && !stopped_.load());
    const bool path_ok = req.target() == "/metrics" || req.target().starts_with("/metrics?");
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "GET, HEAD");
    } else if (!path_ok) {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "only /metrics here\n";
    } else {
      res.set(http::field::content_type, kExpositionContentType);
      res.set(http::field::cache_control, "no-store");
      res.body() = options_.render();
    }
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays that of the GET
    stream.expires_after(std::chrono::seconds(10));
    auto [wec, written] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace mcp::observe
