// One bounded HTTP(S) request for a small JSON document on a fixed origin:
// the upstream's protected resource metadata (metadata_proxy.hpp), the
// authorization server's JWK Set (jwks_cache.hpp), token introspection
// (introspection.hpp). Through the upstream
// library's connection pool, so https is verified the same way (system CAs
// plus `ca_file`, the host name checked) and nothing blocks an io thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace mcp::upstream {
class HttpConnectionPool;
}

namespace mcp::auth {

struct FetchOptions {
  std::string ca_file;                         // extra CAs for https
  bool tls_insecure = false;                   // testing only
  std::size_t max_body_bytes = 64 * 1024;      // a larger body fails the GET
  std::chrono::milliseconds timeout{10'000};   // connect + one GET
};

class DocumentFetcher {
 public:
  // `origin_url`: any absolute http(s) URL on the origin to fetch from.
  // Throws std::invalid_argument for an unusable URL or CA file.
  DocumentFetcher(boost::asio::any_io_executor ex, const std::string& origin_url, FetchOptions opts);
  ~DocumentFetcher();

  // GET `target` (path + query) on the origin: the status and the body.
  // Throws on I/O errors, a timeout or a body over the bound.
  boost::asio::awaitable<std::pair<unsigned, std::string>> get(std::string target);

  // POST an application/x-www-form-urlencoded `body` to `target` (token
  // introspection, RFC 7662 §2.1), with `authorization` when not empty.
  boost::asio::awaitable<std::pair<unsigned, std::string>> post_form(std::string target, std::string body,
                                                                     std::string authorization);

 private:
  FetchOptions opts_;
  std::shared_ptr<upstream::HttpConnectionPool> pool_;
};

// path + query of an absolute URL ("/" when empty or not a URL).
std::string target_of(std::string_view url);

}  // namespace mcp::auth
