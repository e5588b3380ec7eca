// Construction of the bridge (BRIDGE.md "Constructors everyone can rely on").
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bridge/bridge.hpp"
#include "bridge/mrtr.hpp"
#include "bridge/subscriptions.hpp"
#include "bridge/tasks.hpp"
#include "pool/session_pool.hpp"
#include "translate/cache_policy.hpp"
#include "translate/discover.hpp"
#include "translate/to_legacy.hpp"
#include "upstream/session_factory.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::bridge {

struct BridgeOptions {
  // ttlMs/cacheScope for cacheable results: default plus per-method overrides
  // (keys: server/discover, tools/list, prompts/list, resources/list,
  // resources/templates/list, resources/read).
  translate::CachePolicy cache;
  // Upstream sessions: max_sessions, idle_timeout, start_timeout, health threshold.
  pool::PoolOptions pool;
  // Bound on each upstream call; on expiry the call is cancelled upstream
  // (notifications/cancelled) and the client gets -32603 with HTTP 504.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // The replayed initialize: legacy protocolVersion, fallback clientInfo, and
  // whether sampling/elicitation/roots client capabilities are declared upstream.
  // Sampling/elicitation/roots are declared upstream: MRTR relays them.
  translate::InitializeOptions initialize{.forward_client_request_capabilities = true};
  // server/discover: advertise listChanged/subscribe (subscriptions/listen
  // delivers them; still only what the upstream itself declares).
  translate::DiscoverOptions discover{.advertise_subscriptions = true};
  // Upstream failures answer HTTP 502 (unreachable/failed), 503 (pool full)
  // or 504 (timeout) with a JSON-RPC -32603 body, which load balancers and
  // logs understand. Some clients (e.g. the TypeScript SDK) only surface a
  // JSON-RPC error body for 2xx/4xx; false answers those failures with HTTP 200.
  bool gateway_http_statuses = true;
  // Bound on tools/list pages fetched to learn a tool's x-mcp-header annotations.
  std::size_t max_tool_list_pages = 20;
  // Probe the upstream in the background (anonymous session, then a legacy
  // ping) so /healthz turns 200 without client traffic and the anonymous
  // context finds a warm session; re-probes while unhealthy. Tests that count
  // sessions turn it off.
  bool health_probe = true;
  // Replaces the MRTR handling of server-to-client requests other than ping
  // (tests script their own); empty: bridge/mrtr.hpp answers them.
  upstream::ServerRequestHandler server_request_handler;
  // Multi round-trip requests: requestState keys, gather window, exchange
  // timeout and bound, roots answered outside a request (bridge/mrtr.hpp).
  MrtrOptions mrtr;
  // io.modelcontextprotocol/tasks over legacy tasks (bridge/tasks.hpp); handles
  // are signed with mrtr.keys (and name mrtr.owner) when tasks.keys is empty.
  TaskOptions tasks;
  // subscriptions/listen: session check interval, bounds (bridge/subscriptions.hpp).
  SubscriptionOptions subscriptions;
  // Passthrough authorization: an upstream 401/403 answers the client with
  // that status and the upstream's WWW-Authenticate, through this rewrite
  // (auth/metadata_proxy.hpp: resource_metadata -> the bridge's metadata URL).
  // Empty: the challenge is passed unchanged.
  std::function<std::string(std::string_view www_authenticate)> rewrite_challenge;
  // Resource-server authorization (auth/resource_server.hpp): upstream
  // sessions carry only the bridge's own credential, so an upstream 401/403
  // refuses the bridge, not the client: the client gets a 502 without the
  // upstream's challenge (it cannot fix it), logged; still not a health failure.
  bool upstream_refuses_the_bridge = false;
};

std::shared_ptr<Bridge> make_bridge(boost::asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory,
                                    BridgeOptions opts);

}  // namespace mcp::bridge
