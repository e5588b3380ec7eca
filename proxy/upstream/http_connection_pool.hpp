// Keep-alive connections to one upstream origin (http or https), shared by all
// sessions of a factory: an HTTP connection carries no MCP or authorization
// state (those travel in headers), so reusing it across sessions is safe and
// saves a TCP (and TLS) handshake per request.
//
// Per io_context: a connection is opened on the io_context of the coroutine
// that asks for it and only reused there, so with one io_context per thread
// (downstream/io_shards.hpp) the upstream exchange of a request runs on the
// thread that reads and answers it (a socket's completions come from its own
// io_context's reactor).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "upstream/http_url.hpp"

namespace mcp::upstream {

class HttpConnection {
 public:
  using plain_stream = boost::beast::tcp_stream;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  // `max_unparsed`: see HttpConnectionPool::Limits::max_unparsed_bytes.
  HttpConnection(std::unique_ptr<plain_stream> s, std::size_t max_unparsed)
      : buffer(max_unparsed), plain_(std::move(s)) {}
  HttpConnection(std::unique_ptr<tls_stream> s, std::size_t max_unparsed) : buffer(max_unparsed), tls_(std::move(s)) {}

  // Calls f with the concrete stream; both instantiations must return the same type.
  template <class F>
  decltype(auto) with_stream(F&& f) {
    return tls_ ? f(*tls_) : f(*plain_);
  }
  boost::beast::tcp_stream& tcp() { return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_; }
  void close();

  boost::beast::flat_buffer buffer;  // bytes read past the previous response
  bool reused = false;               // served a previous request: may be stale
  std::chrono::steady_clock::time_point idle_since{};

 private:
  std::unique_ptr<plain_stream> plain_;
  std::unique_ptr<tls_stream> tls_;
};

class HttpConnectionPool : public std::enable_shared_from_this<HttpConnectionPool> {
 public:
  struct Limits {
    std::size_t max_connections = 64;  // concurrent request connections (GET streams excluded)
    std::size_t max_idle = 64;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds idle_timeout{30'000};
    // Bytes read but not yet parsed: a header section, a chunk-size line,
    // trailers. Beast waits for the end of such a line without a bound of its
    // own, so an endless one would grow the buffer until memory ran out; past
    // this the read fails with http::error::buffer_overflow. Must exceed the
    // parser's header limit, which then reports over-long headers first.
    std::size_t max_unparsed_bytes = 1024 * 1024;
  };

  // `tls` is null for http:// upstreams.
  HttpConnectionPool(boost::asio::any_io_executor ex, HttpUrl url, std::shared_ptr<boost::asio::ssl::context> tls,
                     Limits limits);

  // A connection for one request/response. Returning it with keep() puts it
  // back into the idle list; otherwise it is closed.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept;
    ~Lease();
    HttpConnection& operator*() { return *conn_; }
    HttpConnection* operator->() { return conn_.get(); }
    void keep() { keep_ = true; }

   private:
    friend class HttpConnectionPool;
    void release();
    std::shared_ptr<HttpConnectionPool> pool_;
    std::unique_ptr<HttpConnection> conn_;
    bool keep_ = false;
  };

  // Waits while max_connections are busy; reuses an idle connection if one is
  // fresh enough (or `fresh` is false), else connects. Throws system_error.
  boost::asio::awaitable<Lease> acquire(bool allow_reuse = true);
  // A new connection outside the limit, for long-lived GET streams.
  boost::asio::awaitable<std::unique_ptr<HttpConnection>> connect();
  // The same, opened on `ex`'s io_context.
  boost::asio::awaitable<std::unique_ptr<HttpConnection>> connect(boost::asio::any_io_executor ex);

  const HttpUrl& url() const { return url_; }
  std::size_t idle_count() const;
  // Closes the idle connections that went idle at or before `t`: when one
  // kept-alive connection turns out closed by the server (Node closes them
  // after 5 s idle), those idle as long are as likely gone.
  void drop_idle_since(std::chrono::steady_clock::time_point t);
  std::size_t connects() const { return connects_; }  // total connections opened (for tests/metrics)

 private:
  void put_back(std::unique_ptr<HttpConnection> c, bool keep);
  // Idle connections of one io_context (identified by address, never
  // dereferenced), most recently used last.
  struct IdleList {
    const void* context;
    std::deque<std::unique_ptr<HttpConnection>> connections;
  };
  IdleList& idle_of(const void* context);  // under mu_
  void close_oldest_idle();                // under mu_

  boost::asio::any_io_executor ex_;
  HttpUrl url_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  Limits limits_;
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> tokens_;
  mutable std::mutex mu_;
  std::list<IdleList> idle_;  // one per io_context that opened connections (a handful)
  std::size_t idle_total_ = 0;
  std::atomic<std::size_t> connects_{0};
};

}  // namespace mcp::upstream
