#include "bridge/peer_forwarder.hpp"

#include <array>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "bridge/bridge.hpp"
#include "bridge/mrtr_forward.hpp"
#include "upstream/http_connection_pool.hpp"
#include "upstream/http_url.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Bound on one relayed response body (a round's answer, or its SSE stream).
constexpr std::uint64_t kMaxRelayedBodyBytes = 64ull * 1024 * 1024;

// A reused keep-alive connection the owner closed meanwhile: nothing of the
// request was processed, so one more try on a fresh connection is safe.
bool stale_connection(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::partial_message;
}

void rethrow_if_cancelled(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
}

}  // namespace

PeerForwarder::PeerForwarder(asio::any_io_executor ex, std::string self_url, ForwardOptions options)
    : ex_(std::move(ex)), options_(options), self_url_(std::move(self_url)) {}

void PeerForwarder::set_self_url(std::string url) {
  std::lock_guard lock(mu_);
  self_url_ = std::move(url);
}

std::shared_ptr<upstream::HttpConnectionPool> PeerForwarder::pool_for(const std::string& owner_url,
                                                                      std::string& error) {
  std::lock_guard lock(mu_);
  if (auto it = pools_.find(owner_url); it != pools_.end()) return it->second;
  auto url = upstream::parse_http_url(owner_url, error);
  if (!url) return nullptr;
  if (url->tls) {
    error = "forwarding to https:// replicas is not supported (advertise an http:// URL on a private network)";
    return nullptr;
  }
  if (pools_.size() >= options_.max_owners) pools_.erase(pools_.begin());  // replicas come and go
  upstream::HttpConnectionPool::Limits limits;
  limits.max_connections = 64;
  limits.max_idle = 8;
  limits.connect_timeout = options_.connect_timeout;
  auto pool = std::make_shared<upstream::HttpConnectionPool>(ex_, std::move(*url), nullptr, limits);
  pools_.emplace(owner_url, pool);
  return pool;
}

template <class ClientStream>
asio::awaitable<PeerForwarder::Result> PeerForwarder::relay(const http::request<http::string_body>& request,
                                                            const std::string& owner_url, ClientStream& client,
                                                            bool keep_alive) {
  auto self = shared_from_this();
  const auto lost = [&](const std::string& why) {
    ++unreachable_;
    spdlog::warn("mrtr: owner replica {} of a parked exchange is unreachable ({}); the exchange is lost", owner_url,
                 why);
    return Result::Unreachable;
  };
  std::string error;
  auto pool = pool_for(owner_url, error);
  if (!pool) co_return lost(error);

  http::request<http::string_body> out{request.method(), request.target(), 11};
  for (const auto& field : request)
    if (forwarded_request_header(field.name_string())) out.insert(field.name_string(), field.value());
  {
    std::lock_guard lock(mu_);
    out.set(kForwardedHeader, self_url_.empty() ? std::string("unknown") : self_url_);
  }
  out.body() = request.body();
  out.keep_alive(true);
  out.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    upstream::HttpConnectionPool::Lease lease;
    try {
      lease = co_await pool->acquire(/*allow_reuse=*/attempt == 0);
    } catch (const boost::system::system_error& e) {
      rethrow_if_cancelled(e.code());
      co_return lost(e.code() == beast::error::timeout ? "connect timed out" : e.code().message());
    }
    beast::tcp_stream& owner = lease->tcp();
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(kMaxRelayedBodyBytes);
    boost::system::error_code ec;
    owner.expires_after(options_.response_timeout);
    co_await http::async_write(owner, out, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_await http::async_read_header(owner, lease->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      rethrow_if_cancelled(ec);
      if (attempt == 0 && lease->reused && stale_connection(ec)) continue;
      co_return lost(ec == beast::error::timeout ? "no response in time" : ec.message());
    }

    // The owner's response, as it comes: header first, then each piece of body.
    auto& response = parser.get();
    response.keep_alive(keep_alive);
    std::array<char, 16 * 1024> piece;
    response.body().data = nullptr;
    response.body().size = 0;
    response.body().more = !parser.is_done();
    http::response_serializer<http::buffer_body> serializer{response};
    beast::get_lowest_layer(client).expires_after(options_.write_timeout);
    co_await http::async_write_header(client, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      rethrow_if_cancelled(ec);
      spdlog::info("mrtr: client went away while relaying from owner {}: {}", owner_url, ec.message());
      co_return Result::Broken;
    }
    while (!serializer.is_done()) {
      if (!parser.is_done()) {
        response.body().data = piece.data();
        response.body().size = piece.size();
        owner.expires_after(options_.response_timeout);
        co_await http::async_read_some(owner, lease->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::need_buffer) ec = {};
        if (ec) {
          rethrow_if_cancelled(ec);
          spdlog::warn("mrtr: owner replica {} broke off its response: {}", owner_url, ec.message());
          co_return Result::Broken;
        }
        response.body().size = piece.size() - response.body().size;
        response.body().data = piece.data();
        response.body().more = !parser.is_done();
        if (response.body().size == 0 && response.body().more) continue;
      } else {
        response.body().data = nullptr;
        response.body().size = 0;
        response.body().more = false;
      }
      beast::get_lowest_layer(client).expires_after(options_.write_timeout);
      co_await http::async_write(client, serializer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        rethrow_if_cancelled(ec);
        spdlog::info("mrtr: client went away while relaying from owner {}: {}", owner_url, ec.message());
        co_return Result::Broken;
      }
    }
    beast::get_lowest_layer(client).expires_never();
    owner.expires_never();
    if (parser.keep_alive()) lease.keep();
    ++forwarded_;
    spdlog::info("mrtr: forwarded retry to owner replica {} (HTTP {}, {} forwarded so far)", owner_url,
                 response.result_int(), forwarded_.load());
    co_return Result::Relayed;
  }
  co_return lost("connection closed");
}

template asio::awaitable<PeerForwarder::Result> PeerForwarder::relay(const http::request<http::string_body>&,
                                                                     const std::string&, beast::tcp_stream&, bool);
template asio::awaitable<PeerForwarder::Result> PeerForwarder::relay(const http::request<http::string_body>&,
                                                                     const std::string&,
                                                                     beast::ssl_stream<beast::tcp_stream>&, bool);

}  // namespace mcp::bridge
