// The park strategy across replicas, its pure parts (the I/O is
// bridge/peer_forwarder.hpp). A parked exchange lives on the replica that
// started it; its signed requestState names that owner by its advertised URL
// (--advertise-url). A retry the load balancer sends elsewhere is forwarded
// once, unchanged, to the owner, which answers it as if it had come directly:
//
//   client ── nginx (round robin) ──> replica B ──(verify state: owner A)
//                                        │  POST, same body and end-to-end headers,
//                                        │  + Mcp-Bridge-Forwarded-By: <B's URL>
//                                        └──────────> replica A (owner): resume exchange
//   <── A's response (JSON or SSE), relayed byte for byte by B ──┘
//
// A request that carries the hop marker is never forwarded again (no loops
// when replicas disagree about who they are). An owner that is gone makes the
// exchange lost: the client gets exchange_lost_error() and must start over.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::bridge {

using json = nlohmann::json;

enum class RetryRoute {
  Local,      // this replica owns the exchange
  Forward,    // another replica owns it: forward the request there
  Misrouted,  // not ours and not forwardable (already forwarded once, or the owner is no http:// URL)
};

// Where the retry of a verified park state goes. `self` is this replica's
// advertised URL; `from_peer`: the request carries kForwardedHeader.
RetryRoute route_retry(std::string_view owner, std::string_view self, bool from_peer);

// Request headers forwarded to the owner: every end-to-end header as received
// (Authorization, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Param-*,
// Accept, Content-Type, Host, Origin, trace context), except the hop-by-hop
// ones (RFC 9110 7.6.1: Connection, Keep-Alive, Proxy-*, TE, Trailer,
// Transfer-Encoding, Upgrade), Content-Length and Expect (the forwarder frames
// its own request) and the hop marker (set fresh). Case-insensitive.
bool forwarded_request_header(std::string_view name);

// The JSON-RPC error (-32602) for a retry whose owner replica cannot be
// reached: the exchange (its upstream call) is lost, the client must send the
// original request again without requestState (answered with HTTP 400).
json exchange_lost_error(const json& id);

}  // namespace mcp::bridge
