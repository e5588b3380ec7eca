// The claims decision (auth/token_policy.hpp), pure: a fixed `now`, claims
// written out by hand, the expected refusal read off the spec
// (authorization/index.mdx "Token Handling", "Scope Challenge Handling").
#include "auth/token_policy.hpp"

#include <gtest/gtest.h>

namespace mcp::auth {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
constexpr std::int64_t kNowS = 1'800'000'000;

TokenPolicy policy() {
  TokenPolicy p;
  p.issuers = {"https://as.test", "https://other-as.test/tenant"};
  p.audience = "https://mcp.test/mcp";
  p.scopes_supported = {"mcp:tools"};
  p.required_scopes = {"mcp:tools"};
  p.operation_scopes = {{"tools/call:delete", {"files:write"}}, {"resources/read", {"files:read"}}};
  p.clock_skew = 30s;
  return p;
}

json claims(json extra = json::object()) {
  json c = {{"iss", "https://as.test"}, {"sub", "alice"},        {"aud", "https://mcp.test/mcp"},
            {"exp", kNowS + 300},       {"nbf", kNowS - 10},     {"client_id", "app"},
            {"scope", "mcp:tools files:read"}};
  if (!extra.is_null()) c.update(extra);
  return c;
}

Refusal refused(const json& c, const std::vector<std::string>& needed = {"mcp:tools"}) {
  auto d = decide(c, policy(), needed, kNow);
  if (!std::holds_alternative<Refusal>(d)) {
    ADD_FAILURE() << "accepted " << c.dump();
    return {};
  }
  return std::get<Refusal>(d);
}

TEST(TokenPolicy, AcceptsAValidTokenAsItsPrincipal) {
  auto d = decide(claims(), policy(), {"mcp:tools"}, kNow);
  ASSERT_TRUE(std::holds_alternative<Principal>(d)) << std::get<Refusal>(d).description;
  const auto& p = std::get<Principal>(d);
  EXPECT_EQ(p.issuer, "https://as.test");
  EXPECT_EQ(p.subject, "alice");
  EXPECT_EQ(p.client, "app");
  EXPECT_EQ(p.scopes, (std::vector<std::string>{"files:read", "mcp:tools"}));
}

TEST(TokenPolicy, WrongIssuerIs401InvalidToken) {
  for (json iss : {json("https://evil.test"), json("https://as.test/"), json(nullptr), json(7)}) {
    auto r = refused(claims({{"iss", iss}}));
    EXPECT_EQ(r.http_status, 401u);
    EXPECT_EQ(r.error, "invalid_token") << iss;
  }
  EXPECT_TRUE(std::holds_alternative<Principal>(
      decide(claims({{"iss", "https://other-as.test/tenant"}}), policy(), {}, kNow)));
}

TEST(TokenPolicy, AudienceMustNameThisResource) {
  for (json aud : {json("https://other.test/mcp"), json::array({"https://other.test"}), json(nullptr),
                   json("https://mcp.test/mcp/extra"), json("https://mcp.test")}) {
    auto r = refused(claims({{"aud", aud}}));
    EXPECT_EQ(r.error, "invalid_token") << aud;
  }
  auto c = claims();
  c.erase("aud");
  EXPECT_EQ(refused(c).error, "invalid_token");
  // An array holding it, and the same URI with upper-case scheme/host or a trailing slash.
  for (json aud : {json::array({"https://x.test", "https://mcp.test/mcp"}), json("HTTPS://MCP.test/mcp"),
                   json("https://mcp.test:443/mcp/")})
    EXPECT_TRUE(std::holds_alternative<Principal>(decide(claims({{"aud", aud}}), policy(), {}, kNow))) << aud;
}

TEST(TokenPolicy, ExpiryAndNotBeforeWithSkew) {
  EXPECT_EQ(refused(claims({{"exp", kNowS - 31}})).error, "invalid_token");
  EXPECT_NE(refused(claims({{"exp", kNowS - 31}})).description.find("expired"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<Principal>(decide(claims({{"exp", kNowS - 29}}), policy(), {}, kNow)))
      << "within the skew";
  EXPECT_EQ(refused(claims({{"nbf", kNowS + 31}})).error, "invalid_token");
  EXPECT_NE(refused(claims({{"nbf", kNowS + 31}})).description.find("not valid yet"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<Principal>(decide(claims({{"nbf", kNowS + 29}}), policy(), {}, kNow)));
  auto c = claims();
  c.erase("exp");
  EXPECT_EQ(refused(c).error, "invalid_token") << "a token without exp never expires: refused";
  EXPECT_EQ(refused(claims({{"exp", "soon"}})).error, "invalid_token");
  EXPECT_EQ(refused(claims({{"nbf", "now"}})).error, "invalid_token");
}

TEST(TokenPolicy, ATokenMustNameSomeone) {
  auto c = claims();
  c.erase("sub");
  c.erase("client_id");
  EXPECT_EQ(refused(c).error, "invalid_token");
  c["azp"] = "service";
  auto d = decide(c, policy(), {}, kNow);
  ASSERT_TRUE(std::holds_alternative<Principal>(d));
  EXPECT_EQ(std::get<Principal>(d).client, "service");
}

TEST(TokenPolicy, MissingScopeIs403NamingEveryNeededScope) {
  auto r = refused(claims({{"scope", "mcp:tools"}}), {"mcp:tools", "files:write", "files:admin"});
  EXPECT_EQ(r.http_status, 403u);
  EXPECT_EQ(r.error, "insufficient_scope");
  EXPECT_EQ(r.scopes, (std::vector<std::string>{"mcp:tools", "files:write", "files:admin"}))
      << "all the operation's scopes in one challenge, granted ones included";
  // scp as an array counts too.
  auto c = claims({{"scp", json::array({"files:write", "files:admin"})}});
  EXPECT_TRUE(std::holds_alternative<Principal>(decide(c, policy(), {"mcp:tools", "files:write"}, kNow)));
  // Scope names are exact: no prefix or hierarchy guessing.
  EXPECT_EQ(refused(claims({{"scope", "mcp:tools:all files"}}), {"files:read"}).http_status, 403u);
}

TEST(TokenPolicy, ARefusedTokenIsChallengedWithTheScopesToAskFor) {
  auto r = refused(claims({{"iss", "https://evil.test"}}), {"mcp:tools", "files:write"});
  EXPECT_EQ(r.scopes, (std::vector<std::string>{"mcp:tools", "files:write"}));
}

TEST(TokenPolicy, RequiredScopesComeFromTheMethodAndTheName) {
  const auto p = policy();
  auto call = [](std::string method, json params) {
    return json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
  };
  EXPECT_EQ(required_scopes(p, call("tools/list", json::object())), std::vector<std::string>{"mcp:tools"});
  EXPECT_EQ(required_scopes(p, call("tools/call", {{"name", "delete"}})),
            (std::vector<std::string>{"mcp:tools", "files:write"}));
  EXPECT_EQ(required_scopes(p, call("tools/call", {{"name", "echo"}})), std::vector<std::string>{"mcp:tools"});
  EXPECT_EQ(required_scopes(p, call("resources/read", {{"uri", "x"}})),
            (std::vector<std::string>{"mcp:tools", "files:read"}));
  EXPECT_EQ(required_scopes(p, json("garbage")), std::vector<std::string>{"mcp:tools"});
  EXPECT_EQ(required_scopes(p, call("tools/call", {{"name", 5}})), std::vector<std::string>{"mcp:tools"});
}

TEST(TokenPolicy, PrincipalKeysSeparatePrincipalsAndIgnoreTheToken) {
  auto key = [](json extra) {
    return std::get<Principal>(decide(claims(extra), policy(), {}, kNow)).key();
  };
  const auto alice = key({});
  EXPECT_EQ(alice, key({{"exp", kNowS + 9999}, {"jti", "another-token"}, {"iat", kNowS}}))
      << "a refreshed token of the same principal";
  EXPECT_EQ(alice, key({{"scope", "files:read mcp:tools files:read"}})) << "scope order and repeats do not matter";
  EXPECT_NE(alice, key({{"sub", "bob"}}));
  EXPECT_NE(alice, key({{"client_id", "other-app"}}));
  EXPECT_NE(alice, key({{"iss", "https://other-as.test/tenant"}}));
  EXPECT_NE(alice, key({{"scope", "mcp:tools"}})) << "other grants, other session";
  // No part can bleed into another ("a","b c") vs ("a b","c").
  EXPECT_NE(key({{"sub", "a\"b"}, {"client_id", "c"}}), key({{"sub", "a"}, {"client_id", "b\"c"}}));
  EXPECT_EQ(alice.rfind("principal ", 0), 0u);
}

}  // namespace
}  // namespace mcp::auth
