// How the bridge authenticates itself as an OAuth client at an authorization
// server's endpoints (token introspection, introspection.hpp; the token
// endpoint, upstream_token_source.hpp): client_secret_basic (RFC 6749
// §2.3.1), and the form encoding both request bodies use. Pure.
#pragma once

#include <string>
#include <string_view>

namespace mcp::auth {

// application/x-www-form-urlencoded value: everything but the unreserved
// characters percent-encoded (RFC 6749 Appendix B).
std::string form_encode(std::string_view text);

// "Basic base64(form_encode(id):form_encode(secret))" (RFC 6749 §2.3.1: the
// id and secret are form-encoded before Basic). Never log the result.
std::string client_secret_basic(std::string_view client_id, std::string_view client_secret);

}  // namespace mcp::auth
