// The authorization layer's parsers of untrusted bytes (proxy/auth): what an
// authorization server or an upstream sends (its metadata, its JWK Set, its
// Protected Resource Metadata and WWW-Authenticate challenges) and what a
// client sends (a bearer token). The first byte picks the parser, the rest is
// its input; "JWKS\nTOKEN" for the signature check.
#include "auth/authorization_server_metadata.hpp"
#include "auth/challenge.hpp"
#include "auth/jwt_verify.hpp"
#include "auth/resource_metadata.hpp"
#include "fuzz_support.hpp"

namespace {

using mcp::fuzz::require_serialisable;
using json = nlohmann::json;

// A string the bridge logs or answers with must serialise on the strict handler.
void require_text(const std::string& s, const char* what) { require_serialisable(json(s), what); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = mcp::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 5) {
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
    default:  // a client's token, before any key is known
      if (auto iss = mcp::auth::unverified_issuer(text)) require_text(*iss, "unverified issuer");
      break;
  }
  return 0;
}
