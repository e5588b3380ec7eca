// The authorization layer's parsers of untrusted bytes (proxy/auth): what an
// authorization server or an upstream sends (its metadata, its JWK Set, its
// Protected Resource Metadata and WWW-Authenticate challenges, the token
// endpoint's answer to the bridge's own client-credentials request) and what a
// client sends (a bearer token). The first byte picks the parser, the rest is
// its input; "JWKS\nTOKEN" for the signature check, "STATUS BODY" (one byte
// picking the HTTP status) for the token endpoint. New parsers get the next
// number: the seed corpus's first bytes keep their meaning.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <iterator>

#include "auth/authorization_server_metadata.hpp"
#include "auth/bearer_token.hpp"
#include "auth/challenge.hpp"
#include "auth/jwt_verify.hpp"
#include "auth/resource_metadata.hpp"
#include "auth/token_response.hpp"
#include "fuzz_support.hpp"

namespace {

using mcp::fuzz::require_serialisable;
using json = nlohmann::json;

// A string the bridge logs or answers with must serialise on the strict handler.
void require_text(const std::string& s, const char* what) { require_serialisable(json(s), what); }

// The statuses a token endpoint answers with (RFC 6749 §5.1/§5.2) and some it
// should not; 200 on a quarter of the inputs so the body's parser is reached.
constexpr unsigned kTokenStatuses[] = {200, 200, 200, 200, 400, 401, 403, 429, 500, 503, 201, 204, 302, 0, 99, 999};

void check_token_response(std::string_view input) {
  using namespace mcp::auth;
  if (input.empty()) return;
  const unsigned status = kTokenStatuses[static_cast<unsigned char>(input.front()) % std::size(kTokenStatuses)];
  const std::string_view body = input.substr(1);
  const TokenTiming timing{};
  auto read = read_token_response(status, body, timing);
  if (auto* why = std::get_if<std::string>(&read)) {
    require_text(*why, "token endpoint refusal");
  } else {
    const auto& issued = std::get<IssuedToken>(read);
    mcp::fuzz::require(status == 200, "a token is accepted only from a 200 answer");
    require_text(issued.access_token, "access token");
    mcp::fuzz::require(issued.access_token.size() <= kMaxAccessTokenBytes, "an accepted token is bounded");
    const std::string header = "Bearer " + issued.access_token;
    const auto bearer = bearer_token(header);
    mcp::fuzz::require(bearer.kind == BearerToken::Kind::Token && bearer.token == issued.access_token,
                       "an accepted token is sent as a valid bearer token");
    mcp::fuzz::require(issued.lifetime >= std::chrono::seconds(1) && issued.lifetime <= timing.max_lifetime,
                       "an accepted token's lifetime is within [1 s, max_lifetime]");
  }
  // The request body from the same bytes as scope and resource: form-encoded,
  // so no value adds a parameter of its own.
  const std::string request = client_credentials_request_body({std::string(body)}, body);
  const auto params = std::count(request.begin(), request.end(), '&') + 1;
  mcp::fuzz::require(params == (body.empty() ? 2 : 3), "scope and resource cannot add parameters");
  auto form_char = [](unsigned char c) {
    return std::isalnum(c) || std::string_view("-._~%=&").find(static_cast<char>(c)) != std::string_view::npos;
  };
  mcp::fuzz::require(std::all_of(request.begin(), request.end(), form_char), "the request body is form-encoded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = mcp::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {  // an authorization server's metadata (jwks_uri discovery)
      for (const auto& url : mcp::auth::authorization_server_metadata_urls(text)) require_text(url, "metadata URL");
      auto found = mcp::auth::jwks_uri_from_metadata(text, "https://as.example/tenant1");
      if (auto* uri = std::get_if<mcp::auth::DiscoveredJwksUri>(&found)) require_text(uri->url, "jwks_uri");
      else require_text(std::get<std::string>(found), "metadata refusal");
      break;
    }
    case 1: {  // an upstream's Protected Resource Metadata (passthrough)
      auto rewritten = mcp::auth::rewrite_prm_document(text, "https://bridge.example/mcp");
      if (auto* doc = std::get_if<json>(&rewritten)) require_serialisable(*doc, "rewritten metadata");
      else require_text(std::get<std::string>(rewritten), "metadata refusal");
      if (auto uri = mcp::auth::canonical_resource_uri(text)) require_text(*uri, "canonical URI");
      break;
    }
    case 2: {  // an upstream's WWW-Authenticate header, as Beast's parser hands it over
      // A header value is octets, not JSON (obs-text may be any byte), so the
      // invariant is the header's: no line break or NUL comes out of the
      // rewrite when none went in (no header injection through it).
      auto breaks_header = [](std::string_view v) { return v.find_first_of(std::string_view("\r\n\0", 3)) != v.npos; };
      if (breaks_header(text)) break;
      (void)mcp::auth::find_resource_metadata(text);
      const auto rewritten = mcp::auth::rewrite_resource_metadata(text, "https://bridge.example/.well-known/x");
      mcp::fuzz::require(!breaks_header(rewritten), "a rewritten challenge stays one header line");
      break;
    }
    case 3: {  // a JWK Set and a token checked against it
      const auto split = text.find('\n');
      auto keys = mcp::auth::KeySet::parse(text.substr(0, split));
      const std::string_view token = split == std::string_view::npos ? std::string_view{} : text.substr(split + 1);
      if (auto* set = std::get_if<std::shared_ptr<const mcp::auth::KeySet>>(&keys)) {
        auto verified = mcp::auth::verify_jws(token, **set);
        if (auto* claims = std::get_if<json>(&verified)) require_serialisable(*claims, "verified claims");
        else require_text(std::get<mcp::auth::JwsRejection>(verified).detail, "rejection detail");
      } else {
        require_text(std::get<std::string>(keys), "JWKS refusal");
      }
      break;
    }
    case 4:  // a client's token, before any key is known
      if (auto iss = mcp::auth::unverified_issuer(text)) require_text(*iss, "unverified issuer");
      break;
    default:  // the upstream's token endpoint answering the bridge (client credentials)
      check_token_response(text);
      break;
  }
  return 0;
}
