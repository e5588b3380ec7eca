#include "upstream/http_connection_pool.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <openssl/err.h>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace mcp::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {
const void* context_of(const asio::any_io_executor& ex) { return &asio::query(ex, asio::execution::context); }

// Where a connection for a coroutine on `caller` is opened: the io_context
// `caller` runs on (a strand's too), else the pool's own executor.
asio::any_io_executor socket_executor(const asio::any_io_executor& caller, const asio::any_io_executor& fallback) {
  using io_executor = asio::io_context::executor_type;
  if (const auto* io = caller.target<io_executor>()) return *io;
  if (const auto* strand = caller.target<asio::strand<io_executor>>()) return strand->get_inner_executor();
  return fallback;
}
}  // namespace

void HttpConnection::close() {
  boost::system::error_code ec;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  tcp().close();
}

HttpConnectionPool::HttpConnectionPool(asio::any_io_executor ex, HttpUrl url, std::shared_ptr<asio::ssl::context> tls,
                                       Limits limits)
    : ex_(ex), url_(std::move(url)), tls_(std::move(tls)), limits_(limits), tokens_(ex, limits.max_connections) {
  for (std::size_t i = 0; i < limits_.max_connections; ++i) tokens_.try_send(boost::system::error_code{});
}

HttpConnectionPool::Lease& HttpConnectionPool::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    release();
    pool_ = std::move(o.pool_);
    conn_ = std::move(o.conn_);
    keep_ = o.keep_;
  }
  return *this;
}

HttpConnectionPool::Lease::~Lease() { release(); }

void HttpConnectionPool::Lease::release() {
  if (!pool_) return;
  pool_->put_back(std::move(conn_), keep_);
  pool_->tokens_.try_send(boost::system::error_code{});
  pool_.reset();
}

void HttpConnectionPool::put_back(std::unique_ptr<HttpConnection> c, bool keep) {
  if (!c) return;
  if (!keep || !c->tcp().socket().is_open()) {
    c->close();
    return;
  }
  c->reused = true;
  c->idle_since = std::chrono::steady_clock::now();
  const void* context = context_of(c->tcp().get_executor());
  std::lock_guard lock(mu_);
  if (idle_total_ >= limits_.max_idle) close_oldest_idle();
  idle_of(context).connections.push_back(std::move(c));
  ++idle_total_;
}

HttpConnectionPool::IdleList& HttpConnectionPool::idle_of(const void* context) {
  for (auto& list : idle_)
    if (list.context == context) return list;
  return idle_.emplace_back(IdleList{context, {}});
}

void HttpConnectionPool::close_oldest_idle() {
  IdleList* oldest = nullptr;
  for (auto& list : idle_)
    if (!list.connections.empty() &&
        (!oldest || list.connections.front()->idle_since < oldest->connections.front()->idle_since))
      oldest = &list;
  if (!oldest) return;
  oldest->connections.front()->close();
  oldest->connections.pop_front();
  --idle_total_;
}

void HttpConnectionPool::drop_idle_since(std::chrono::steady_clock::time_point t) {
  std::lock_guard lock(mu_);
  for (auto& list : idle_) {
    // put_back appends: the front went idle first.
    while (!list.connections.empty() && list.connections.front()->idle_since <= t) {
      list.connections.front()->close();
      list.connections.pop_front();
      --idle_total_;
    }
  }
}

std::size_t HttpConnectionPool::idle_count() const {
  std::lock_guard lock(mu_);
  return idle_total_;
}

asio::awaitable<HttpConnectionPool::Lease> HttpConnectionPool::acquire(bool allow_reuse) {
  // Bounded concurrency: a token taken at once when one is free (an
  // async_receive would complete through the scheduler even then), else
  // waited for. A cancelled wait reports channel_cancelled: callers expect
  // operation_aborted for every cancellation.
  if (!tokens_.try_receive([](boost::system::error_code) {})) {
    auto [ec] = co_await tokens_.async_receive(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::experimental::channel_errc::channel_cancelled) ec = asio::error::operation_aborted;
    if (ec) throw boost::system::system_error(ec);
  }
  Lease lease;
  lease.pool_ = shared_from_this();
  const auto ex = socket_executor(co_await asio::this_coro::executor, ex_);
  if (allow_reuse) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    auto& idle = idle_of(context_of(ex)).connections;
    while (!idle.empty()) {
      auto c = std::move(idle.back());  // most recently used: least likely closed by the server
      idle.pop_back();
      --idle_total_;
      if (now - c->idle_since < limits_.idle_timeout) {
        lease.conn_ = std::move(c);
        break;
      }
      c->close();
    }
  }
  if (!lease.conn_) lease.conn_ = co_await connect(ex);
  co_return lease;
}

asio::awaitable<std::unique_ptr<HttpConnection>> HttpConnectionPool::connect() {
  return connect(ex_);
}

asio::awaitable<std::unique_ptr<HttpConnection>> HttpConnectionPool::connect(asio::any_io_executor ex) {
  asio::ip::tcp::resolver resolver(ex);
  const auto endpoints = co_await resolver.async_resolve(url_.host, url_.port, asio::use_awaitable);
  auto tcp = std::make_unique<beast::tcp_stream>(ex);
  tcp->expires_after(limits_.connect_timeout);
  co_await tcp->async_connect(endpoints, asio::use_awaitable);
  tcp->socket().set_option(asio::ip::tcp::no_delay(true));
  spdlog::debug("upstream connection #{} opened to {}", ++connects_, url_.host_header);
  if (!tls_) {
    tcp->expires_never();
    co_return std::make_unique<HttpConnection>(std::move(tcp), limits_.max_unparsed_bytes);
  }
  auto tls = std::make_unique<HttpConnection::tls_stream>(std::move(*tcp), *tls_);
  // SNI, and check the certificate names the host we asked for.
  if (!SSL_set_tlsext_host_name(tls->native_handle(), url_.host.c_str()))
    throw boost::system::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  if (tls_->native_handle() && SSL_CTX_get_verify_mode(tls_->native_handle()) != SSL_VERIFY_NONE)
    tls->set_verify_callback(asio::ssl::host_name_verification(url_.host));
  co_await tls->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  beast::get_lowest_layer(*tls).expires_never();
  co_return std::make_unique<HttpConnection>(std::move(tls), limits_.max_unparsed_bytes);
}

}  // namespace mcp::upstream
