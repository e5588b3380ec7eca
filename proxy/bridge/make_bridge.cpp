#include "bridge/make_bridge.hpp"

#include "bridge/bridge_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace mcp::bridge {

std::shared_ptr<Bridge> make_bridge(boost::asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory,
                                    BridgeOptions opts) {
  const bool probe = opts.health_probe;
  auto bridge = std::make_shared<BridgeImpl>(ex, std::move(factory), std::move(opts));
  if (probe) boost::asio::co_spawn(ex, BridgeImpl::probe_upstream(bridge, bridge->probe_timer()), boost::asio::detached);
  return bridge;
}

}  // namespace mcp::bridge
