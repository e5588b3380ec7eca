#include "downstream/http_listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "downstream/http_connection.hpp"
#include "downstream/tls_context.hpp"
#include "downstream/use_tuple.hpp"
#include "upstream/inline_strand.hpp"

namespace mcp::downstream {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

HttpServer::HttpServer(asio::any_io_executor ex, std::shared_ptr<bridge::Bridge> bridge, HttpServerOptions options)
    : HttpServer(std::vector<asio::any_io_executor>{std::move(ex)}, std::move(bridge), std::move(options)) {}

HttpServer::HttpServer(std::vector<asio::any_io_executor> shards, std::shared_ptr<bridge::Bridge> bridge,
                       HttpServerOptions options)
    : ctx_(std::make_shared<ServerContext>()) {
  ctx_->bridge = std::move(bridge);
  ctx_->options = std::move(options);
  for (auto& ex : shards)
    listeners_.push_back(std::make_unique<Listener>(Listener{ex, tcp::acceptor(asio::make_strand(ex))}));
}

void HttpServer::listen(Listener& listener, const tcp::endpoint& endpoint, bool reuse_port) {
  auto& a = listener.acceptor;
  a.open(endpoint.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  // Only between our own listeners: Linux lets a socket join the port only
  // when it sets SO_REUSEPORT too and belongs to the same user.
  if (reuse_port) a.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
  a.bind(endpoint);
  a.listen(asio::socket_base::max_listen_connections);
}

void HttpServer::start() {
  const auto& opt = ctx_->options;
  tcp::endpoint endpoint{asio::ip::make_address(opt.host), opt.port};
  const bool shared_port = listeners_.size() > 1;
  // The first listener picks the port (0: ephemeral); the others join it.
  listen(*listeners_.front(), endpoint, shared_port);
  port_ = listeners_.front()->acceptor.local_endpoint().port();
  endpoint.port(port_);
  for (std::size_t i = 1; i < listeners_.size(); ++i) listen(*listeners_[i], endpoint, shared_port);
  const char* tls_note = !opt.tls                                 ? ""
                         : opt.tls->files().client_ca_file.empty() ? "; TLS"
                                                                   : "; TLS, client certificates required";
  spdlog::info("listening on {}://{}:{}/mcp (max {} connections{}; {} io thread(s), each with its own listener)",
               opt.tls ? "https" : "http", endpoint.address().is_v6() ? "[" + opt.host + "]" : opt.host, port_,
               opt.max_connections, tls_note, listeners_.size());
  for (auto& listener : listeners_) {
    asio::co_spawn(listener->acceptor.get_executor(), accept_loop(*listener),
                   [self = shared_from_this()](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("accept loop ended: {}", ex.what());
                     }
                   });
  }
}

std::size_t HttpServer::active_connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

template <class F>
void HttpServer::for_each_connection(F&& f) {
  std::vector<std::shared_ptr<ConnectionControl>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) f(*c);
}

asio::awaitable<void> HttpServer::accept_loop(Listener& listener) {
  auto self = shared_from_this();
  auto& acceptor = listener.acceptor;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(upstream::make_inline_strand(listener.ex), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;  // shutdown
      // EMFILE and friends: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (ctx_->stopping.load()) co_return;
    if (active_connections() >= ctx_->options.max_connections) {
      if (ctx_->options.tls) {
        // Plain 503 bytes would be garbage to a TLS client, and a handshake
        // per refused connection is the work the limit is there to avoid.
        spdlog::warn("connection limit {} reached: closing a TLS connection", ctx_->options.max_connections);
        socket.close(ec);
        continue;
      }
      auto exec = socket.get_executor();
      asio::co_spawn(exec, reject_busy(std::move(socket)), [self](std::exception_ptr) {});
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (ctx_->options.tls)  // the context current now; a reload affects later connections only
      serve(std::make_shared<HttpConnection<TlsStream>>(std::move(socket), ctx_, ctx_->options.tls->current()));
    else
      serve(std::make_shared<HttpConnection<PlainStream>>(std::move(socket), ctx_));
  }
}

// The connection coroutine runs on the socket's strand; it leaves the
// registry when it ends (the count is what max_connections bounds).
template <class Connection>
void HttpServer::serve(std::shared_ptr<Connection> conn) {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    connections_.emplace(id, conn);
  }
  auto strand = conn->executor();
  asio::co_spawn(strand, conn->run(), [self = shared_from_this(), id, conn](std::exception_ptr) {
    std::lock_guard lock(self->mutex_);
    self->connections_.erase(id);
  });
}

// Over the connection limit: a short, complete 503 instead of a silent reset.
asio::awaitable<void> HttpServer::reject_busy(tcp::socket socket) {
  static constexpr std::string_view body =
      R"({"jsonrpc":"2.0","error":{"code":-32000,"message":"Service Unavailable: too many connections (--max-connections); retry later"}})";
  std::string response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                         "Connection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  spdlog::warn("connection limit {} reached: answering 503", ctx_->options.max_connections);
  asio::steady_timer timer(socket.get_executor(), std::chrono::seconds(2));
  co_await (asio::async_write(socket, asio::buffer(response), use_tuple) || timer.async_wait(use_tuple));
  // Let the client's request bytes arrive before closing so the 503 is not lost to a reset.
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  char sink[4096];
  timer.expires_after(std::chrono::seconds(1));
  for (int i = 0; i < 16; ++i) {
    auto r = co_await (socket.async_read_some(asio::buffer(sink), use_tuple) || timer.async_wait(use_tuple));
    if (r.index() == 1 || std::get<0>(std::get<0>(r))) break;
  }
  socket.close(ec);
}

asio::awaitable<void> HttpServer::shutdown(std::chrono::milliseconds drain_timeout) {
  auto self = shared_from_this();
  ctx_->stopping.store(true);
  // Listen streams never end by themselves: close them gracefully first so
  // they finish with their completion result within the drain.
  ctx_->bridge->close_subscriptions();
  // Each acceptor belongs to its strand (its accept loop runs there).
  for (auto& listener : listeners_) {
    co_await asio::co_spawn(
        listener->acceptor.get_executor(),
        [&acceptor = listener->acceptor]() -> asio::awaitable<void> {
          boost::system::error_code ec;
          acceptor.close(ec);
          co_return;
        },
        asio::use_awaitable);
  }
  auto in_flight = active_connections();
  spdlog::info("shutdown: stopped accepting; draining {} connection(s) for up to {} ms", in_flight,
               drain_timeout.count());
  for_each_connection([](ConnectionControl& c) { c.close_if_idle(); });

  asio::steady_timer tick(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  while (active_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(use_tuple);
  }
  if (auto left = active_connections(); left > 0) {
    spdlog::warn("shutdown: drain timeout, closing {} connection(s) with requests in flight", left);
    for_each_connection([](ConnectionControl& c) { c.force_close(); });
    for (int i = 0; i < 100 && active_connections() > 0; ++i) {  // at most ~2 s for cancellations to unwind
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(use_tuple);
    }
  }
  spdlog::info("shutdown: HTTP server stopped");
}

}  // namespace mcp::downstream
