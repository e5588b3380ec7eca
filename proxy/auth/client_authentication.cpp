#include "auth/client_authentication.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "translate/base64.hpp"

namespace mcp::auth {

std::string form_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string client_secret_basic(std::string_view client_id, std::string_view client_secret) {
  return "Basic " + translate::base64_encode(form_encode(client_id) + ":" + form_encode(client_secret));
}

}  // namespace mcp::auth
