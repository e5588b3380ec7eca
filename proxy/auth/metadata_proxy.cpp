#include "auth/metadata_proxy.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "auth/challenge.hpp"
#include "auth/resource_metadata.hpp"
#include "auth/document_fetcher.hpp"
#include "auth/fetch_flight.hpp"

namespace mcp::auth {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using json = nlohmann::json;

struct ResourceMetadataProxy::Flight : FetchFlight {
  using FetchFlight::FetchFlight;
  bridge::Reply reply;  // set before finish()
};

namespace {

bridge::Reply failure(unsigned status, std::string description) {
  return bridge::Reply{status, json{{"error", status == 404 ? "not_found" : "upstream_error"},
                                    {"error_description", std::move(description)}}};
}

}  // namespace

ResourceMetadataProxy::ResourceMetadataProxy(asio::any_io_executor ex, MetadataProxyOptions opts)
    : opts_(std::move(opts)), strand_(asio::make_strand(ex)) {
  auto origin = origin_of(opts_.upstream_url);
  if (!origin) throw std::invalid_argument("upstream URL '" + opts_.upstream_url + "': not an absolute http(s) URL");
  upstream_origin_ = *origin;
  fetcher_ = std::make_unique<DocumentFetcher>(
      ex, opts_.upstream_url, FetchOptions{opts_.ca_file, opts_.tls_insecure, opts_.max_document_bytes, opts_.timeout});
}

ResourceMetadataProxy::~ResourceMetadataProxy() = default;

void ResourceMetadataProxy::set_public_url(std::string url) {
  std::lock_guard lock(mu_);
  public_url_ = std::move(url);
}

std::string ResourceMetadataProxy::public_url() const {
  std::lock_guard lock(mu_);
  return public_url_;
}

std::string ResourceMetadataProxy::metadata_url() const { return metadata_url_for(public_url()); }

std::string ResourceMetadataProxy::rewrite_challenge(std::string_view www_authenticate) {
  if (auto named = find_resource_metadata(www_authenticate)) {
    if (origin_of(*named) == upstream_origin_) {
      std::lock_guard lock(mu_);
      upstream_metadata_url_ = *named;
    } else {
      spdlog::debug("auth: the upstream's challenge names metadata on another origin; not fetched from there");
    }
  }
  const std::string own = metadata_url();
  return own.empty() ? std::string(www_authenticate) : rewrite_resource_metadata(www_authenticate, own);
}

asio::awaitable<bridge::Reply> ResourceMetadataProxy::serve() {
  co_return co_await asio::co_spawn(strand_, serve_on_strand(shared_from_this()), asio::use_awaitable);
}

asio::awaitable<bridge::Reply> ResourceMetadataProxy::serve_on_strand(std::shared_ptr<ResourceMetadataProxy> self) {
  if (self->cached_ && self->opts_.clock() < self->cached_until_) co_return *self->cached_;
  if (!self->flight_) {
    self->flight_ = std::make_shared<Flight>(self->strand_);
    asio::co_spawn(self->strand_, run_flight(self, self->flight_), asio::detached);
  }
  auto flight = self->flight_;
  co_await flight->wait();
  co_return flight->reply;
}

asio::awaitable<void> ResourceMetadataProxy::run_flight(std::shared_ptr<ResourceMetadataProxy> self,
                                                        std::shared_ptr<Flight> flight) {
  bridge::Reply reply;
  try {
    reply = co_await self->fetch_document();
  } catch (const std::exception& e) {
    reply = failure(502, std::string("cannot fetch the upstream's protected resource metadata: ") + e.what());
  }
  self->cached_ = reply;
  self->cached_until_ = self->opts_.clock() + (reply.http_status == 200 ? self->opts_.cache_ttl : self->opts_.failure_ttl);
  flight->reply = std::move(reply);
  self->flight_.reset();
  flight->finish();
}

asio::awaitable<bridge::Reply> ResourceMetadataProxy::fetch_document() {
  std::vector<std::string> candidates;
  {
    std::lock_guard lock(mu_);
    if (!upstream_metadata_url_.empty()) candidates.push_back(upstream_metadata_url_);
  }
  for (auto& u : well_known_metadata_urls(opts_.upstream_url))
    if (std::find(candidates.begin(), candidates.end(), u) == candidates.end()) candidates.push_back(std::move(u));
  const std::string public_url = this->public_url();
  std::string last_error;
  bool only_not_found = true;
  for (const auto& url : candidates) {
    std::pair<unsigned, std::string> got;
    try {
      got = co_await fetcher_->get(target_of(url));
    } catch (const std::exception& e) {
      last_error = url + ": " + e.what();
      only_not_found = false;
      continue;
    }
    if (got.first == 404) continue;
    if (got.first != 200) {
      last_error = url + ": HTTP " + std::to_string(got.first);
      only_not_found = false;
      continue;
    }
    auto rewritten = rewrite_prm_document(got.second, public_url);
    if (auto* doc = std::get_if<json>(&rewritten)) {
      spdlog::debug("auth: serving the upstream's protected resource metadata from {} as {}", url, public_url);
      co_return bridge::Reply{200, std::move(*doc)};
    }
    last_error = url + ": " + std::get<std::string>(rewritten);
    only_not_found = false;
  }
  if (only_not_found)
    co_return failure(404, "the upstream serves no protected resource metadata (RFC 9728)");
  spdlog::warn("auth: no usable protected resource metadata from the upstream: {}", last_error);
  co_return failure(502, "the upstream's protected resource metadata is unavailable: " + last_error);
}

}  // namespace mcp::auth
