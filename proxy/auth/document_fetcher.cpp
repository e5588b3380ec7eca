#include "auth/document_fetcher.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>

#include "upstream/http_connection_pool.hpp"
#include "upstream/http_upstream.hpp"
#include "upstream/http_url.hpp"

namespace mcp::auth {

namespace asio = boost::asio;
namespace http = boost::beast::http;

DocumentFetcher::DocumentFetcher(asio::any_io_executor ex, const std::string& origin_url, FetchOptions opts)
    : opts_(std::move(opts)) {
  std::string error;
  auto url = upstream::parse_http_url(origin_url, error);
  if (!url) throw std::invalid_argument("URL '" + origin_url + "': " + error);
  upstream::HttpUpstreamOptions tls_opts;
  tls_opts.ca_file = opts_.ca_file;
  tls_opts.tls_insecure = opts_.tls_insecure;
  upstream::HttpConnectionPool::Limits limits;
  limits.max_connections = 2;
  limits.max_idle = 0;
  limits.connect_timeout = opts_.timeout;
  limits.max_unparsed_bytes = 64 * 1024;
  pool_ = std::make_shared<upstream::HttpConnectionPool>(
      ex, *url, url->tls ? upstream::make_upstream_tls_context(tls_opts) : nullptr, limits);
}

DocumentFetcher::~DocumentFetcher() = default;

namespace {

template <class Body>
asio::awaitable<std::pair<unsigned, std::string>> exchange(upstream::HttpConnectionPool& pool,
                                                           http::request<Body>& req, const FetchOptions& opts) {
  auto lease = co_await pool.acquire(/*allow_reuse=*/false);
  req.set(http::field::host, pool.url().host_header);
  req.set(http::field::user_agent, "mcp-bridge");
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  req.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(opts.max_body_bytes);
  lease->tcp().expires_after(opts.timeout);
  co_await lease->with_stream([&](auto& s) { return http::async_write(s, req, asio::use_awaitable); });
  co_await lease->with_stream(
      [&](auto& s) { return http::async_read(s, lease->buffer, parser, asio::use_awaitable); });
  lease->tcp().expires_never();
  auto& res = parser.get();
  co_return std::make_pair(res.result_int(), std::move(res.body()));
}

}  // namespace

asio::awaitable<std::pair<unsigned, std::string>> DocumentFetcher::get(std::string target) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  co_return co_await exchange(*pool_, req, opts_);
}

asio::awaitable<std::pair<unsigned, std::string>> DocumentFetcher::post_form(std::string target, std::string body,
                                                                             std::string authorization) {
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  req.body() = std::move(body);
  co_return co_await exchange(*pool_, req, opts_);
}

std::string target_of(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return "/";
  std::string t(parsed->encoded_target());
  return t.empty() ? "/" : t;
}

}  // namespace mcp::auth
