#include "auth/token_response.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>

#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include "auth/authorization_server_metadata.hpp"
#include "auth/bearer_token.hpp"
#include "auth/client_authentication.hpp"
#include "translate/json_input.hpp"

namespace mcp::auth {

using json = nlohmann::json;

namespace {

const std::string* string_member(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

using boost::beast::iequals;

// expires_in (RFC 6749 §5.1): a JSON number, or the decimal string some servers send.
std::variant<std::chrono::seconds, std::string> lifetime_of(const json& answer, const TokenTiming& timing) {
  auto it = answer.find("expires_in");
  if (it == answer.end() || it->is_null()) return timing.default_lifetime;
  double seconds = 0;
  if (it->is_number()) {
    seconds = it->get<double>();
  } else if (const auto* text = it->get_ptr<const std::string*>();
             text && !text->empty() && text->size() <= 10 &&
             std::all_of(text->begin(), text->end(), [](unsigned char c) { return std::isdigit(c); })) {
    seconds = std::stod(*text);
  } else {
    return std::string("the token endpoint's expires_in is not a number of seconds");
  }
  if (!(seconds >= 1)) return std::string("the token endpoint's expires_in is not positive");
  if (seconds >= static_cast<double>(timing.max_lifetime.count())) return timing.max_lifetime;
  return std::chrono::seconds(static_cast<std::int64_t>(std::floor(seconds)));
}

}  // namespace

std::string client_credentials_request_body(const std::vector<std::string>& scopes, std::string_view resource) {
  std::string body = "grant_type=client_credentials";
  if (!scopes.empty()) {
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    body += "&scope=" + form_encode(joined);
  }
  if (!resource.empty()) body += "&resource=" + form_encode(resource);
  return body;
}

std::variant<IssuedToken, std::string> read_token_response(unsigned status, std::string_view body,
                                                          const TokenTiming& timing) {
  auto parsed = translate::parse_json(body, translate::InvalidUtf8::Reject);
  const bool object = parsed.ok() && parsed.value.is_object();
  if (status != 200) {
    std::string why = "the token endpoint answered HTTP " + std::to_string(status);
    if (object) {
      if (const auto* error = string_member(parsed.value, "error")) why += " " + for_log(*error);
      if (const auto* text = string_member(parsed.value, "error_description")) why += " (" + for_log(*text) + ")";
    }
    if (status == 400 || status == 401)
      why += "; check --upstream-client-id, the client secret and --upstream-scope";
    return why;
  }
  if (!parsed.ok()) return "the token endpoint's answer is not JSON (" + parsed.error + ")";
  if (!object) return std::string("the token endpoint's answer is not a JSON object");
  const json& answer = parsed.value;
  const auto* type = string_member(answer, "token_type");
  if (!type) return std::string("the token endpoint's answer has no token_type");
  if (!iequals(*type, "Bearer")) return "the token endpoint issued a " + for_log(*type) + " token, not a Bearer token";
  const auto* token = string_member(answer, "access_token");
  if (!token) return std::string("the token endpoint's answer has no access_token");
  if (token->size() > kMaxAccessTokenBytes)
    return "the token endpoint's access_token is longer than " + std::to_string(kMaxAccessTokenBytes) + " bytes";
  // Sent as "Authorization: Bearer <token>": it must be a b64token (RFC 6750 §2.1).
  const std::string header = "Bearer " + *token;
  if (bearer_token(header).kind != BearerToken::Kind::Token)
    return std::string("the token endpoint's access_token is not a valid bearer token (RFC 6750 §2.1)");
  auto lifetime = lifetime_of(answer, timing);
  if (auto* why = std::get_if<std::string>(&lifetime)) return std::move(*why);
  return IssuedToken{*token, std::get<std::chrono::seconds>(lifetime)};
}

}  // namespace mcp::auth
