// The pure half of JWK Set discovery: which metadata URLs an issuer has, in
// the order authorization-server-discovery.mdx gives (expectations copied from
// its examples, not derived from the code), and which fetched documents may
// be used (RFC 8414 §3.3: the issuer must be identical).
#include "auth/authorization_server_metadata.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mcp::auth {
namespace {

using json = nlohmann::json;
using Urls = std::vector<std::string>;

TEST(AuthorizationServerMetadataUrls, IssuerWithAPathTriesThreeUrlsInTheSpecsOrder) {
  EXPECT_EQ(authorization_server_metadata_urls("https://auth.example.com/tenant1"),
            (Urls{"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                  "https://auth.example.com/.well-known/openid-configuration/tenant1",
                  "https://auth.example.com/tenant1/.well-known/openid-configuration"}));
  EXPECT_EQ(authorization_server_metadata_urls("http://127.0.0.1:8080/realms/a/b/"),
            (Urls{"http://127.0.0.1:8080/.well-known/oauth-authorization-server/realms/a/b",
                  "http://127.0.0.1:8080/.well-known/openid-configuration/realms/a/b",
                  "http://127.0.0.1:8080/realms/a/b/.well-known/openid-configuration"}))
      << "a terminating '/' is removed first (RFC 8414 §3.1)";
}

TEST(AuthorizationServerMetadataUrls, IssuerWithoutAPathTriesTwo) {
  const Urls expected{"https://auth.example.com/.well-known/oauth-authorization-server",
                      "https://auth.example.com/.well-known/openid-configuration"};
  EXPECT_EQ(authorization_server_metadata_urls("https://auth.example.com"), expected);
  EXPECT_EQ(authorization_server_metadata_urls("https://auth.example.com/"), expected);
  EXPECT_EQ(authorization_server_metadata_urls("http://localhost:9000"),
            (Urls{"http://localhost:9000/.well-known/oauth-authorization-server",
                  "http://localhost:9000/.well-known/openid-configuration"}));
}

TEST(AuthorizationServerMetadataUrls, NotAnIssuerHasNone) {
  EXPECT_TRUE(authorization_server_metadata_urls("auth.example.com").empty());
  EXPECT_TRUE(authorization_server_metadata_urls("ftp://auth.example.com").empty());
  EXPECT_TRUE(authorization_server_metadata_urls("https://auth.example.com/?tenant=1").empty());
  EXPECT_TRUE(authorization_server_metadata_urls("https://auth.example.com/#x").empty());
  EXPECT_TRUE(authorization_server_metadata_urls("https://user@auth.example.com").empty());
}

constexpr const char* kIssuer = "https://auth.example.com/tenant1";

std::string doc(json extra) {
  json d = {{"issuer", kIssuer}, {"jwks_uri", "https://keys.example.com/tenant1/jwks.json"},
            {"token_endpoint", "https://auth.example.com/tenant1/token"}};
  d.update(extra);
  for (auto it = d.begin(); it != d.end();)
    it = it->is_null() ? d.erase(it) : std::next(it);
  return d.dump();
}

std::string error_of(const std::string& body, const std::string& issuer = kIssuer) {
  auto r = jwks_uri_from_metadata(body, issuer);
  if (auto* ok = std::get_if<DiscoveredJwksUri>(&r)) {
    ADD_FAILURE() << "accepted " << ok->url;
    return {};
  }
  return std::get<std::string>(r);
}

TEST(JwksUriFromMetadata, AValidDocumentYieldsItsJwksUri) {
  auto r = jwks_uri_from_metadata(doc(json::object()), kIssuer);
  ASSERT_TRUE(std::holds_alternative<DiscoveredJwksUri>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<DiscoveredJwksUri>(r).url, "https://keys.example.com/tenant1/jwks.json");
  for (const char* loopback : {"http://127.0.0.1:8080/jwks", "http://127.3.2.1/jwks", "http://[::1]:9/jwks",
                               "http://localhost:7/jwks", "http://LOCALHOST/jwks"}) {
    auto l = jwks_uri_from_metadata(doc({{"jwks_uri", loopback}}), kIssuer);
    EXPECT_TRUE(std::holds_alternative<DiscoveredJwksUri>(l)) << loopback << " is loopback: http is fine";
  }
}

TEST(JwksUriFromMetadata, AnotherIssuerIsRejected) {
  EXPECT_NE(error_of(doc({{"issuer", "https://honest.example"}})).find("https://honest.example"), std::string::npos);
  EXPECT_NE(error_of(doc({{"issuer", "https://auth.example.com/tenant1/"}})).find("RFC 8414"), std::string::npos)
      << "identical means identical: a trailing '/' differs";
  EXPECT_NE(error_of(doc({{"issuer", "HTTPS://auth.example.com/tenant1"}})).find("RFC 8414"), std::string::npos);
  const auto injected = error_of(doc({{"issuer", "https://x.example\nFAKE LOG LINE" + std::string(500, 'a')}}));
  EXPECT_EQ(injected.find('\n'), std::string::npos) << "control characters of the document never reach the log";
  EXPECT_LT(injected.size(), 400u) << "and its strings are cut short";
  EXPECT_NE(error_of(doc({{"issuer", nullptr}})).find("no issuer"), std::string::npos);
  EXPECT_NE(error_of(doc({{"issuer", 7}})).find("no issuer"), std::string::npos);
}

TEST(JwksUriFromMetadata, AMissingOrUnusableJwksUriIsRejected) {
  EXPECT_NE(error_of(doc({{"jwks_uri", nullptr}})).find("no jwks_uri"), std::string::npos);
  EXPECT_NE(error_of(doc({{"jwks_uri", json::array({"https://k.example/j"})}})).find("no jwks_uri"),
            std::string::npos);
  EXPECT_NE(error_of(doc({{"jwks_uri", "http://keys.example.com/jwks"}})).find("not https"), std::string::npos)
      << "plain http to a non-loopback host";
  EXPECT_NE(error_of(doc({{"jwks_uri", "http://10.0.0.1/jwks"}})).find("not https"), std::string::npos);
  EXPECT_NE(error_of(doc({{"jwks_uri", "/jwks"}})).find("absolute"), std::string::npos);
  EXPECT_NE(error_of(doc({{"jwks_uri", "ftp://keys.example.com/jwks"}})).find("absolute"), std::string::npos);
  EXPECT_NE(error_of(doc({{"jwks_uri", "https://keys.example.com/jwks#k"}})).find("fragment"), std::string::npos);
}

TEST(JwksUriFromMetadata, NotAJsonObjectIsRejected) {
  EXPECT_NE(error_of("not json").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("").find("not JSON"), std::string::npos);
}

}  // namespace
}  // namespace mcp::auth
