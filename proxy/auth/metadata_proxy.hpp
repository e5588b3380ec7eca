// Passthrough authorization, the I/O half (the decisions are in
// challenge.hpp and resource_metadata.hpp): the upstream legacy server is
// the protected resource and the bridge a transparent front.
//   - An upstream 401/403 reaches the client with its status and challenge;
//     rewrite_challenge() points its resource_metadata at the bridge's own
//     metadata URL and remembers the upstream's.
//   - GET /.well-known/oauth-protected-resource[/mcp] on the bridge: serve()
//     fetches the upstream's document (the URL its challenge named, else the
//     RFC 9728 §3.1 well-known URLs of the upstream URL), caches it briefly
//     and answers it with `resource` = the bridge's public URL.
// Only URLs on the upstream's own origin are fetched: a challenge naming
// another host never makes the bridge send requests there. One fetch at a
// time (later callers wait for it), bounded in size and time.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "bridge/bridge.hpp"

namespace mcp::auth {

class DocumentFetcher;

struct MetadataProxyOptions {
  std::string upstream_url;                     // the legacy server's MCP endpoint, http(s)
  std::string ca_file;                          // as for the upstream (HttpUpstreamOptions)
  bool tls_insecure = false;
  std::size_t max_document_bytes = 64 * 1024;   // a larger document is refused (502)
  std::chrono::milliseconds timeout{10'000};    // connect + one GET
  std::chrono::milliseconds cache_ttl{60'000};  // a fetched document is served this long
  std::chrono::milliseconds failure_ttl{5'000}; // a failure (404/502) is answered this long
  std::function<std::chrono::steady_clock::time_point()> clock = [] { return std::chrono::steady_clock::now(); };
};

class ResourceMetadataProxy : public std::enable_shared_from_this<ResourceMetadataProxy> {
 public:
  // Throws std::invalid_argument for an unusable upstream URL or CA file.
  ResourceMetadataProxy(boost::asio::any_io_executor ex, MetadataProxyOptions opts);
  ~ResourceMetadataProxy();

  // The bridge's canonical URL (--public-url, or derived from the bound
  // listen address); set before requests are served. Thread-safe.
  void set_public_url(std::string url);
  std::string public_url() const;
  std::string metadata_url() const;  // path-suffixed well-known URL of public_url

  // For BridgeOptions::rewrite_challenge. Thread-safe, never throws.
  std::string rewrite_challenge(std::string_view www_authenticate);

  // The answer to a GET of the bridge's metadata: 200 and the rewritten
  // document; 404 when the upstream serves none; 502 when it serves a bad one
  // or cannot be reached. Body: the document, or {"error", "error_description"}.
  boost::asio::awaitable<bridge::Reply> serve();

 private:
  struct Flight;
  static boost::asio::awaitable<bridge::Reply> serve_on_strand(std::shared_ptr<ResourceMetadataProxy> self);
  static boost::asio::awaitable<void> run_flight(std::shared_ptr<ResourceMetadataProxy> self,
                                                 std::shared_ptr<Flight> flight);
  boost::asio::awaitable<bridge::Reply> fetch_document();

  MetadataProxyOptions opts_;
  std::string upstream_origin_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unique_ptr<DocumentFetcher> fetcher_;
  mutable std::mutex mu_;
  std::string public_url_;
  std::string upstream_metadata_url_;  // from the upstream's last challenge, same origin only
  // On the strand:
  std::shared_ptr<Flight> flight_;
  std::optional<bridge::Reply> cached_;
  std::chrono::steady_clock::time_point cached_until_{};
};

}  // namespace mcp::auth
