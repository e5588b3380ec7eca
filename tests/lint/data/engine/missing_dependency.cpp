// The SDK header is not installed: the unit has errors but is still analysed.
#include "not/installed/mcp_sdk.hpp"

void still_analysed(mcp::Client& client) {
  client.request("sampling/createMessage");  // expect: test/sampling-method-string
}
