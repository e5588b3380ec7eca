// Protected Resource Metadata (RFC 9728) in passthrough mode. The well-known
// URL forms are RFC 9728 §3.1's own examples.
#include "auth/resource_metadata.hpp"

#include <gtest/gtest.h>

namespace mcp::auth {
namespace {

using json = nlohmann::json;

TEST(WellKnownMetadataUrls, PathSuffixedThenRoot) {
  EXPECT_EQ(well_known_metadata_urls("https://resource.example.com/resource1"),
            (std::vector<std::string>{"https://resource.example.com/.well-known/oauth-protected-resource/resource1",
                                      "https://resource.example.com/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(well_known_metadata_urls("http://127.0.0.1:3000/mcp/"),
            (std::vector<std::string>{"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp",
                                      "http://127.0.0.1:3000/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(well_known_metadata_urls("https://Resource.Example.com:443"),
            (std::vector<std::string>{"https://resource.example.com/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(well_known_metadata_urls("https://r.test/a/b?x=1"),
            (std::vector<std::string>{"https://r.test/.well-known/oauth-protected-resource/a/b",
                                      "https://r.test/.well-known/oauth-protected-resource"}));
  EXPECT_TRUE(well_known_metadata_urls("ftp://r.test/x").empty());
  EXPECT_TRUE(well_known_metadata_urls("not a url").empty());
  EXPECT_EQ(metadata_url_for("https://mcp.example.com/mcp"),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
}

TEST(OriginOf, NormalisesCaseAndDefaultPort) {
  EXPECT_EQ(origin_of("HTTPS://Up.Test:443/mcp"), "https://up.test");
  EXPECT_EQ(origin_of("http://127.0.0.1:3000/x"), "http://127.0.0.1:3000");
  EXPECT_NE(origin_of("http://127.0.0.1:3001/x"), origin_of("http://127.0.0.1:3000/x"));
  EXPECT_FALSE(origin_of("http://user@h/x").has_value());
  EXPECT_FALSE(origin_of("/relative").has_value());
}

TEST(DefaultPublicUrl, FromTheListenAddress) {
  EXPECT_EQ(default_public_url("127.0.0.1", 8080), "http://127.0.0.1:8080/mcp");
  EXPECT_EQ(default_public_url("::1", 9000), "http://[::1]:9000/mcp");
  EXPECT_EQ(default_public_url("0.0.0.0", 80), "http://localhost:80/mcp");
}

TEST(CheckPublicUrl, CanonicalResourceUris) {
  EXPECT_FALSE(check_public_url("https://mcp.example.com/mcp").has_value());
  EXPECT_FALSE(check_public_url("http://127.0.0.1:8080/mcp").has_value());
  EXPECT_TRUE(check_public_url("mcp.example.com/mcp").has_value());
  EXPECT_TRUE(check_public_url("https://mcp.example.com/mcp#frag").has_value());
  EXPECT_TRUE(check_public_url("ftp://mcp.example.com/").has_value());
}

TEST(RewritePrmDocument, ResourceBecomesThePublicUrlEverythingElseKept) {
  const std::string upstream = R"({"resource":"http://127.0.0.1:3000/mcp",
    "authorization_servers":["https://auth.example.com/"],"scopes_supported":["mcp:tools"],
    "resource_name":"Demo","signed_metadata":"eyJ..."})";
  auto out = rewrite_prm_document(upstream, "https://mcp.example.com/mcp");
  ASSERT_TRUE(std::holds_alternative<json>(out)) << std::get<std::string>(out);
  const json& doc = std::get<json>(out);
  EXPECT_EQ(doc["resource"], "https://mcp.example.com/mcp");
  EXPECT_EQ(doc["authorization_servers"], json::array({"https://auth.example.com/"}));
  EXPECT_EQ(doc["scopes_supported"], json::array({"mcp:tools"}));
  EXPECT_EQ(doc["resource_name"], "Demo");
  EXPECT_FALSE(doc.contains("signed_metadata"));
}

TEST(RewritePrmDocument, HostileDocumentsAreErrors) {
  const char* bad[] = {
      "",
      "not json",
      "[1,2]",
      R"({"resource":"x"})",                                  // no authorization_servers
      R"({"resource":"x","authorization_servers":[]})",      // empty
      R"({"resource":"x","authorization_servers":"https://a"})",
      R"({"resource":"x","authorization_servers":[1]})",
      "{\"authorization_servers\":[\"https://a\"],\"x\":\"\xff\"}",  // invalid UTF-8
  };
  for (const char* b : bad) EXPECT_TRUE(std::holds_alternative<std::string>(rewrite_prm_document(b, "https://m/mcp"))) << b;
  std::string deep(100000, '[');
  EXPECT_TRUE(std::holds_alternative<std::string>(rewrite_prm_document(deep, "https://m/mcp")));
}

}  // namespace
}  // namespace mcp::auth
