// WWW-Authenticate handling of passthrough mode. Expectations come from
// RFC 9110 §11.6.1 (challenge syntax), RFC 6750 §3 (Bearer) and RFC 9728 §5.1
// (resource_metadata), not from the implementation.
#include "auth/challenge.hpp"

#include <gtest/gtest.h>

namespace mcp::auth {
namespace {

constexpr const char* kOwn = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

TEST(FindResourceMetadata, QuotedTokenAndAbsent) {
  EXPECT_EQ(find_resource_metadata(R"(Bearer resource_metadata="https://up.test/.well-known/oauth-protected-resource")"),
            "https://up.test/.well-known/oauth-protected-resource");
  EXPECT_EQ(find_resource_metadata(R"(Bearer error="invalid_token", RESOURCE_METADATA = "https://u/x")"), "https://u/x");
  EXPECT_EQ(find_resource_metadata("Bearer resource_metadata=https://u/x, scope=\"a\""), "https://u/x");
  EXPECT_EQ(find_resource_metadata(R"(Bearer realm="a\"b", resource_metadata="https://u/\"q")"), "https://u/\"q");
  EXPECT_FALSE(find_resource_metadata(R"(Bearer realm="resource_metadata=https://evil/")").has_value());
  EXPECT_FALSE(find_resource_metadata(R"(Bearer error="invalid_token")").has_value());
  EXPECT_FALSE(find_resource_metadata("").has_value());
  EXPECT_FALSE(find_resource_metadata("Basic dXNlcjpwYXNz==").has_value());
}

TEST(RewriteResourceMetadata, ReplacesOnlyTheValue) {
  // What the TypeScript SDK's requireBearerAuth sends.
  const std::string upstream =
      R"(Bearer error="invalid_token", error_description="Missing Authorization header", )"
      R"(scope="mcp:tools", resource_metadata="http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp")";
  EXPECT_EQ(rewrite_resource_metadata(upstream, kOwn),
            std::string(R"(Bearer error="invalid_token", error_description="Missing Authorization header", )"
                        R"(scope="mcp:tools", resource_metadata=")") +
                kOwn + "\"");
}

TEST(RewriteResourceMetadata, UnquotedValueBecomesQuoted) {
  EXPECT_EQ(rewrite_resource_metadata("Bearer resource_metadata=https://u/x, scope=\"a b\"", kOwn),
            std::string("Bearer resource_metadata=\"") + kOwn + "\", scope=\"a b\"");
}

TEST(RewriteResourceMetadata, AddedToALoneBearerChallenge) {
  EXPECT_EQ(rewrite_resource_metadata(R"(Bearer error="insufficient_scope", scope="files:write")", kOwn),
            std::string(R"(Bearer error="insufficient_scope", scope="files:write", resource_metadata=")") + kOwn + "\"");
  EXPECT_EQ(rewrite_resource_metadata("Bearer", kOwn), std::string("Bearer resource_metadata=\"") + kOwn + "\"");
  EXPECT_EQ(rewrite_resource_metadata("bearer realm=\"x\"", kOwn),
            std::string("bearer realm=\"x\", resource_metadata=\"") + kOwn + "\"");
}

TEST(RewriteResourceMetadata, EmptyChallengeBecomesBearer) {
  EXPECT_EQ(rewrite_resource_metadata("", kOwn), std::string("Bearer resource_metadata=\"") + kOwn + "\"");
  EXPECT_EQ(rewrite_resource_metadata("  ", kOwn), std::string("Bearer resource_metadata=\"") + kOwn + "\"");
}

TEST(RewriteResourceMetadata, OtherSchemesAndSeveralChallengesUntouched) {
  EXPECT_EQ(rewrite_resource_metadata("Basic realm=\"x\"", kOwn), "Basic realm=\"x\"");
  EXPECT_EQ(rewrite_resource_metadata("Basic realm=\"x\", Bearer realm=\"y\"", kOwn),
            "Basic realm=\"x\", Bearer realm=\"y\"");
  EXPECT_EQ(rewrite_resource_metadata("Basic dXNlcg==", kOwn), "Basic dXNlcg==");
}

TEST(RewriteResourceMetadata, SeveralChallengesRewriteTheOneThatNamesMetadata) {
  EXPECT_EQ(rewrite_resource_metadata("Basic realm=\"x\", Bearer resource_metadata=\"https://u/m\"", kOwn),
            std::string("Basic realm=\"x\", Bearer resource_metadata=\"") + kOwn + "\"");
}

TEST(RewriteResourceMetadata, HostileInputNeverSplitsTheHeader) {
  auto out = rewrite_resource_metadata("Bearer realm=\"a\r\nSet-Cookie: x=1\", resource_metadata=\"u\"", kOwn);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  // An unterminated quote and stray bytes: no crash, no endless loop.
  EXPECT_NO_THROW(rewrite_resource_metadata("Bearer realm=\"unterminated", kOwn));
  EXPECT_NO_THROW(rewrite_resource_metadata("=,=,\"\\", kOwn));
  EXPECT_EQ(rewrite_resource_metadata("Bearer resource_metadata=\"x\"", "https://a/\"b"),
            "Bearer resource_metadata=\"https://a/\\\"b\"");
}

TEST(AuthorizationErrorResponse, CarriesTheIdAndSaysWhy) {
  auto r = authorization_error_response(7, 401);
  EXPECT_EQ(r["jsonrpc"], "2.0");
  EXPECT_EQ(r["id"], 7);
  EXPECT_EQ(r["error"]["code"], kAuthorizationErrorCode);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("Unauthorized"), std::string::npos);
  EXPECT_EQ(r["error"]["data"]["httpStatus"], 401);
  auto f = authorization_error_response("x", 403);
  EXPECT_NE(f["error"]["message"].get<std::string>().find("Forbidden"), std::string::npos);
}

}  // namespace
}  // namespace mcp::auth
