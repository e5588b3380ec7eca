#include "bridge/bridge.hpp"
#include "translate/jsonrpc.hpp"

namespace mcp::bridge {

Reply error_reply(unsigned status, const json& id, int code, std::string_view message, const json& data) {
  return Reply{status, translate::make_error_response(id, code, message, data)};
}

}  // namespace mcp::bridge
