// The I/O half of forwarding a park retry to the replica that owns its
// exchange (decisions: bridge/mrtr_forward.hpp). Beast client over the
// upstream library's keep-alive connection pool, one pool per owner URL.
//
// relay() sends the downstream request (same body, end-to-end headers, plus
// the hop marker) to the owner and copies its response (status, headers, JSON
// or SSE body) to the client as it arrives: chunk by chunk, so SSE events and
// keep-alive comments are not held back. Every step is bounded: connect
// (ForwardOptions::connect_timeout), the owner's response header and each
// later read (response_timeout), each write to the client (write_timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace mcp::upstream {
class HttpConnectionPool;
}

namespace mcp::bridge {

struct ForwardOptions {
  // Reaching the owner (TCP connect). A dead owner fails fast on a refused
  // connection; an unreachable host after this long.
  std::chrono::milliseconds connect_timeout{3'000};
  // The owner's response header, and each later read of its body. The owner
  // answers within its own request timeout (and sends SSE keep-alives).
  std::chrono::milliseconds response_timeout{330'000};
  // Each write of the relayed response to the client.
  std::chrono::milliseconds write_timeout{30'000};
  // Owners with a connection pool at once (replicas behind one balancer).
  std::size_t max_owners = 64;
};

class PeerForwarder : public std::enable_shared_from_this<PeerForwarder> {
 public:
  enum class Result {
    Relayed,      // the owner's whole response reached the client
    Unreachable,  // nothing was written to the client: answer exchange_lost_error()
    Broken,       // the relay failed midway: the client connection must close
  };

  // `self_url`: this replica's advertised URL (the hop marker's value).
  PeerForwarder(boost::asio::any_io_executor ex, std::string self_url, ForwardOptions options);
  // Once the listener is bound (the port may have been 0); before requests are served.
  void set_self_url(std::string url);

  // `ClientStream`: beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>
  // (a client of the TLS listener); both are instantiated in the .cpp.
  template <class ClientStream>
  boost::asio::awaitable<Result> relay(const boost::beast::http::request<boost::beast::http::string_body>& request,
                                       const std::string& owner_url, ClientStream& client, bool keep_alive);

  // Retries relayed to an owner, and those that found it unreachable (logs, tests).
  std::size_t forwarded() const { return forwarded_; }
  std::size_t unreachable() const { return unreachable_; }

 private:
  std::shared_ptr<upstream::HttpConnectionPool> pool_for(const std::string& owner_url, std::string& error);

  boost::asio::any_io_executor ex_;
  ForwardOptions options_;
  std::mutex mu_;  // guards self_url_ and pools_
  std::string self_url_;
  std::map<std::string, std::shared_ptr<upstream::HttpConnectionPool>> pools_;
  std::atomic<std::size_t> forwarded_{0};
  std::atomic<std::size_t> unreachable_{0};
};

}  // namespace mcp::bridge
