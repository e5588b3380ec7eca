// The bearer token in an Authorization header (RFC 6750 §2.1, RFC 9110
// §11.6.2): what a client sends resource-server mode (resource_server.hpp),
// and the check that a token the bridge obtained for itself can be sent as
// one (token_response.hpp). Pure; its own file so the fuzz target of the
// token endpoint's answer needs none of resource-server mode's I/O.
#pragma once

#include <string_view>

namespace mcp::auth {

// What an Authorization header holds.
struct BearerToken {
  enum class Kind { None, Malformed, Token } kind = Kind::None;
  std::string_view token;  // Kind::Token: the b64token (a view into the header)
};
// None: no header, or another scheme (Basic, ...: not a bearer token, as if
// absent). Malformed: "Bearer" with an empty or non-token68 credential.
BearerToken bearer_token(std::string_view authorization);

}  // namespace mcp::auth
