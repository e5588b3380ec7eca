// Resource-server mode end to end in one process: auth::ResourceServer with
// its JWK Set on a scripted loopback server, tokens signed by cjose in the
// test, injected clocks (wall time for exp/nbf, steady time for the key
// cache) so nothing sleeps. Asserts the HTTP answer a client gets (status,
// WWW-Authenticate, JSON-RPC body) and how often the keys were fetched.
#include "auth/resource_server.hpp"

#include <gtest/gtest.h>

#include "../upstream/test_support.hpp"
#include "scripted_http.hpp"
#include "token_signer.hpp"

namespace mcp::auth {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;
using test::TestKey;
using upstream::test::run_co;

constexpr std::int64_t kNowS = 1'800'000'000;
constexpr const char* kPublic = "https://mcp.test/mcp";
constexpr const char* kMetadata = "https://mcp.test/.well-known/oauth-protected-resource/mcp";
constexpr const char* kIssuer = "https://as.test";

json tools_call(const std::string& name) {
  return {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", {{"name", name}, {"arguments", {}}}}};
}

// What every fixture's resource server starts from: the JWK Set's refetch
// timing on the test's steady clock, and the test's fixed "now" for claims.
ResourceServerOptions on_test_clocks(const std::chrono::steady_clock::time_point& steady) {
  ResourceServerOptions o;
  o.jwks.min_refetch_interval = 30s;
  o.jwks.max_age = 600s;
  o.jwks.clock = [&steady] { return steady; };
  o.now = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNowS)); };
  return o;
}

std::shared_ptr<ResourceServer> started(asio::io_context& ctx, ResourceServerOptions o) {
  auto rs = std::make_shared<ResourceServer>(ctx.get_executor(), std::move(o));
  rs->set_public_url(kPublic);
  return rs;
}

struct ResourceServerTest : ::testing::Test {
  asio::io_context ctx;
  test::ScriptedUpstream as{ctx};
  TestKey key = TestKey::rsa("k1");
  std::chrono::steady_clock::time_point steady{};
  std::shared_ptr<ResourceServer> rs;

  void SetUp() override {
    as.set("/jwks", 200, test::jwks({key.public_jwk()}));
    ResourceServerOptions o = on_test_clocks(steady);
    o.policy.issuers = {kIssuer};
    o.policy.scopes_supported = {"mcp:tools"};
    o.policy.required_scopes = {"mcp:tools"};
    o.policy.operation_scopes = {{"tools/call:delete", {"files:write"}}};
    o.policy.clock_skew = 30s;
    o.jwks.url = as.url("/jwks");
    rs = started(ctx, std::move(o));
  }

  json claims(json extra = json::object()) const {
    json c = {{"iss", kIssuer}, {"sub", "alice"}, {"aud", kPublic}, {"exp", kNowS + 300}, {"scope", "mcp:tools"}};
    c.update(extra);
    return c;
  }
  ResourceServer::Verdict run(const std::string& authorization, const json& message = tools_call("echo")) {
    return run_co(ctx, rs->authenticate(authorization, message));
  }
  bridge::Reply refusal(const std::string& authorization, const json& message = tools_call("echo")) {
    auto v = run(authorization, message);
    if (!std::holds_alternative<bridge::Reply>(v)) {
      ADD_FAILURE() << "accepted as " << std::get<std::string>(v);
      return {};
    }
    return std::get<bridge::Reply>(v);
  }
  std::size_t fetches() { return as.asked().size(); }
};

TEST_F(ResourceServerTest, NoTokenIs401WithResourceMetadataAndNoErrorCode) {
  for (const std::string& header : {std::string(), std::string("Basic dXNlcjpwYXNz")}) {
    auto r = refusal(header);
    EXPECT_EQ(r.http_status, 401u);
    EXPECT_EQ(r.www_authenticate,
              std::string("Bearer resource_metadata=\"") + kMetadata + "\", scope=\"mcp:tools\"");
    EXPECT_EQ(r.body["id"], 7);
    EXPECT_EQ(r.body["error"]["code"], -32001);
  }
  EXPECT_EQ(fetches(), 0u) << "no token, no key fetch";
}

TEST_F(ResourceServerTest, AValidTokenYieldsThePrincipalAndKeysAreCached) {
  auto v = run("Bearer " + key.sign(claims()));
  ASSERT_TRUE(std::holds_alternative<std::string>(v)) << std::get<bridge::Reply>(v).www_authenticate;
  const auto principal = std::get<std::string>(v);
  EXPECT_NE(principal.find("alice"), std::string::npos);
  EXPECT_EQ(principal.find(key.sign(claims())), std::string::npos);
  EXPECT_EQ(std::get<std::string>(run("bearer   " + key.sign(claims({{"jti", "refreshed"}})))), principal)
      << "a refreshed token of the same principal";
  EXPECT_EQ(fetches(), 1u);
  steady += 601s;
  run("Bearer " + key.sign(claims()));
  EXPECT_EQ(fetches(), 2u) << "fetched again after max_age";
}

TEST_F(ResourceServerTest, BadTokensAre401InvalidToken) {
  TestKey other = TestKey::rsa("k1");  // same kid, not the issuer's key
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"expired", key.sign(claims({{"exp", kNowS - 60}}))},
      {"not yet valid", key.sign(claims({{"nbf", kNowS + 60}}))},
      {"wrong issuer", key.sign(claims({{"iss", "https://evil.test"}}))},
      {"wrong audience", key.sign(claims({{"aud", "https://other.test/mcp"}}))},
      {"forged", other.sign(claims())},
      {"alg none", test::unsecured_token(json{{"alg", "none"}, {"kid", "k1"}}, claims())},
      {"HS256 with the public key", TestKey::oct(key.public_jwk().dump(), "k1").sign(claims(), "HS256")},
      {"not a JWT", "opaque-token-value"},
  };
  for (const auto& [what, token] : cases) {
    auto r = refusal("Bearer " + token);
    EXPECT_EQ(r.http_status, 401u) << what;
    EXPECT_EQ(r.www_authenticate.rfind(std::string("Bearer resource_metadata=\"") + kMetadata + "\", scope=\"mcp:tools\", "
                                                                                             "error=\"invalid_token\"",
                                       0),
              0u)
        << what << ": " << r.www_authenticate;
    EXPECT_EQ(r.www_authenticate.find(token), std::string::npos) << what << ": the token is not echoed";
    EXPECT_EQ(r.body["error"]["code"], -32001) << what;
  }
  auto r = refusal("Bearer ");
  EXPECT_NE(r.www_authenticate.find("error=\"invalid_token\""), std::string::npos) << "Bearer without a token";
}

TEST_F(ResourceServerTest, MissingScopeIs403InsufficientScopeThenStepUpSucceeds) {
  auto r = refusal("Bearer " + key.sign(claims()), tools_call("delete"));
  EXPECT_EQ(r.http_status, 403u);
  EXPECT_EQ(r.www_authenticate, std::string("Bearer resource_metadata=\"") + kMetadata +
                                    "\", scope=\"mcp:tools files:write\", error=\"insufficient_scope\", "
                                    "error_description=\"this operation needs the scope(s): files:write\"");
  EXPECT_EQ(r.body["error"]["data"]["httpStatus"], 403);
  auto v = run("Bearer " + key.sign(claims({{"scope", "mcp:tools files:write"}})), tools_call("delete"));
  EXPECT_TRUE(std::holds_alternative<std::string>(v));
  // Another tool does not need files:write.
  EXPECT_TRUE(std::holds_alternative<std::string>(run("Bearer " + key.sign(claims()), tools_call("echo"))));
}

TEST_F(ResourceServerTest, UnknownKidFetchesTheKeysAgainAtMostOncePerInterval) {
  ASSERT_TRUE(std::holds_alternative<std::string>(run("Bearer " + key.sign(claims()))));
  ASSERT_EQ(fetches(), 1u);
  // The issuer rotates in a new key; the first token signed with it is too early for the rate limit.
  TestKey rotated = TestKey::rsa("k2");
  as.set("/jwks", 200, test::jwks({key.public_jwk(), rotated.public_jwk()}));
  steady += 10s;
  EXPECT_EQ(refusal("Bearer " + rotated.sign(claims())).http_status, 401u);
  EXPECT_EQ(fetches(), 1u) << "within min_refetch_interval of the last fetch";
  steady += 21s;
  EXPECT_TRUE(std::holds_alternative<std::string>(run("Bearer " + rotated.sign(claims()))));
  EXPECT_EQ(fetches(), 2u) << "the unknown kid fetched the set again";
  // A flood of made-up kids: no more fetches within the interval.
  for (int i = 0; i < 50; ++i) {
    TestKey junk = TestKey::ec("junk-" + std::to_string(i));
    EXPECT_EQ(refusal("Bearer " + junk.sign(claims(), "ES256")).http_status, 401u);
  }
  EXPECT_EQ(fetches(), 2u);
  steady += 31s;
  refusal("Bearer " + TestKey::ec("junk-x").sign(claims(), "ES256"));
  EXPECT_EQ(fetches(), 3u) << "one fetch per interval";
}

TEST_F(ResourceServerTest, UnreachableKeysAre503UntilTheyCanBeFetched) {
  as.set("/jwks", 500, "oops");
  auto r = refusal("Bearer " + key.sign(claims()));
  EXPECT_EQ(r.http_status, 503u);
  EXPECT_TRUE(r.www_authenticate.empty());
  as.set("/jwks", 200, test::jwks({key.public_jwk()}));
  refusal("Bearer " + key.sign(claims()));
  EXPECT_EQ(fetches(), 1u) << "failures are rate-limited too";
  steady += 31s;
  EXPECT_TRUE(std::holds_alternative<std::string>(run("Bearer " + key.sign(claims()))));
}

TEST_F(ResourceServerTest, ServesItsOwnProtectedResourceMetadata) {
  auto r = rs->metadata();
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.body, (json{{"resource", kPublic},
                          {"authorization_servers", {kIssuer}},
                          {"scopes_supported", {"mcp:tools"}},
                          {"bearer_methods_supported", {"header"}}}));
  EXPECT_EQ(rs->metadata_url(), kMetadata);
  EXPECT_EQ(rs->audience(), kPublic) << "the audience defaults to the public URL";
}

// No --auth-jwks-url: each issuer's jwks_uri comes from its authorization
// server metadata, served by the scripted server at the well-known URLs.
struct DiscoveryTest : ::testing::Test {
  asio::io_context ctx;
  test::ScriptedUpstream as{ctx};
  TestKey key_a = TestKey::rsa("ka");
  TestKey key_b = TestKey::ec("kb");
  std::chrono::steady_clock::time_point steady{};
  std::shared_ptr<ResourceServer> rs;

  std::string issuer(const std::string& path = "") const { return as.url(path); }
  void start(std::vector<std::string> issuers) {
    ResourceServerOptions o = on_test_clocks(steady);
    o.policy.issuers = std::move(issuers);
    o.discover_jwks = true;
    rs = started(ctx, std::move(o));
  }
  json metadata(const std::string& iss, const std::string& jwks_path) const {
    return {{"issuer", iss}, {"jwks_uri", as.url(jwks_path)}, {"token_endpoint", iss + "/token"}};
  }
  json claims(const std::string& iss) const {
    return {{"iss", iss}, {"sub", "alice"}, {"aud", kPublic}, {"exp", kNowS + 300}};
  }
  ResourceServer::Verdict run(const std::string& token) {
    return run_co(ctx, rs->authenticate("Bearer " + token, tools_call("echo")));
  }
  unsigned status_of(const ResourceServer::Verdict& v) {
    return std::holds_alternative<std::string>(v) ? 200u : std::get<bridge::Reply>(v).http_status;
  }
};

TEST_F(DiscoveryTest, TheJwksUriComesFromTheMetadataAndTheKeysAreFetchedOnce) {
  // Only the second URL of the order answers (an OpenID Connect provider).
  as.set("/.well-known/openid-configuration", 200, metadata(issuer(""), "/keys/jwks.json").dump());
  as.set("/keys/jwks.json", 200, test::jwks({key_a.public_jwk()}));
  start({issuer("")});
  EXPECT_TRUE(as.asked().empty()) << "nothing is fetched before the first token";
  auto v = run(key_a.sign(claims(issuer(""))));
  ASSERT_TRUE(std::holds_alternative<std::string>(v)) << std::get<bridge::Reply>(v).www_authenticate;
  EXPECT_NE(std::get<std::string>(v).find("alice"), std::string::npos);
  EXPECT_EQ(status_of(run(key_a.sign(claims(issuer(""))))), 200u);
  EXPECT_EQ(as.asked(), (std::vector<std::string>{"/.well-known/oauth-authorization-server",
                                                  "/.well-known/openid-configuration", "/keys/jwks.json"}))
      << "the spec's order, then the JWK Set once; the second token fetched nothing";
}

TEST_F(DiscoveryTest, AMetadataDocumentNamingAnotherIssuerIsNotUsed) {
  // The attacker's document names another issuer and a JWK Set holding the attacker's key.
  as.set("/.well-known/oauth-authorization-server", 200, metadata("https://honest.example", "/jwks").dump());
  as.set("/jwks", 200, test::jwks({key_a.public_jwk()}));
  start({issuer("")});
  auto v = run(key_a.sign(claims(issuer(""))));
  ASSERT_TRUE(std::holds_alternative<bridge::Reply>(v)) << "accepted with keys from a mismatched document";
  EXPECT_EQ(std::get<bridge::Reply>(v).http_status, 503u) << "as when the JWK Set cannot be fetched";
  EXPECT_TRUE(std::get<bridge::Reply>(v).www_authenticate.empty());
  const auto after_first = as.asked();
  EXPECT_EQ(after_first, (std::vector<std::string>{"/.well-known/oauth-authorization-server",
                                                   "/.well-known/openid-configuration"}))
      << "no JWK Set fetch";
  steady += 29s;
  EXPECT_EQ(status_of(run(key_a.sign(claims(issuer(""))))), 503u);
  EXPECT_EQ(as.asked().size(), after_first.size()) << "discovery is retried no more often than min_refetch_interval";
  // The metadata is fixed; the next attempt after the interval finds it.
  as.set("/.well-known/oauth-authorization-server", 200, metadata(issuer(""), "/jwks").dump());
  steady += 2s;
  EXPECT_EQ(status_of(run(key_a.sign(claims(issuer(""))))), 200u);
  EXPECT_EQ(as.asked().back(), "/jwks");
}

TEST_F(DiscoveryTest, EachIssuerIsVerifiedWithItsOwnDiscoveredKeys) {
  // Issuers with a path: tenant a answers at the first URL, tenant b at the third.
  const std::string a = issuer("/a"), b = issuer("/b");
  as.set("/.well-known/oauth-authorization-server/a", 200, metadata(a, "/a/jwks").dump());
  as.set("/b/.well-known/openid-configuration", 200, metadata(b, "/b/jwks").dump());
  as.set("/a/jwks", 200, test::jwks({key_a.public_jwk()}));
  as.set("/b/jwks", 200, test::jwks({key_b.public_jwk()}));
  start({a, b});
  EXPECT_EQ(status_of(run(key_a.sign(claims(a)))), 200u);
  EXPECT_EQ(status_of(run(key_b.sign(claims(b), "ES256"))), 200u);
  EXPECT_EQ(as.asked(), (std::vector<std::string>{"/.well-known/oauth-authorization-server/a", "/a/jwks",
                                                  "/.well-known/oauth-authorization-server/b",
                                                  "/.well-known/openid-configuration/b",
                                                  "/b/.well-known/openid-configuration", "/b/jwks"}));
  // b's key claiming to be a: a's keys do not verify it.
  EXPECT_EQ(status_of(run(key_b.sign(claims(a), "ES256"))), 401u);
  // An issuer that is not configured fetches nothing.
  const auto before = as.asked().size();
  auto r = run(key_a.sign(claims("https://evil.test")));
  EXPECT_EQ(status_of(r), 401u);
  EXPECT_NE(std::get<bridge::Reply>(r).www_authenticate.find("invalid_token"), std::string::npos);
  EXPECT_EQ(status_of(run("not-a.jwt.at-all")), 401u);
  EXPECT_EQ(as.asked().size(), before);
}

// Opaque tokens through RFC 7662 introspection at the scripted server.
struct IntrospectionTest : ::testing::Test {
  asio::io_context ctx;
  test::ScriptedUpstream as{ctx};
  std::int64_t now_s = kNowS;
  std::shared_ptr<ResourceServer> rs;

  void SetUp() override {
    ResourceServerOptions o;
    o.policy.issuers = {kIssuer};
    o.policy.required_scopes = {"mcp:tools"};
    o.policy.operation_scopes = {{"tools/call:delete", {"files:write"}}};
    IntrospectionOptions io;
    io.url = as.url("/introspect");
    io.client_id = "bridge";
    io.client_secret = "s=cret";
    io.default_issuer = kIssuer;
    io.cache_ttl = 30s;
    io.now = [this] { return std::chrono::system_clock::time_point(std::chrono::seconds(now_s)); };
    o.introspection = io;
    o.now = io.now;
    rs = std::make_shared<ResourceServer>(ctx.get_executor(), o);
    rs->set_public_url(kPublic);
  }
  void answer(json body, unsigned status = 200) { as.set("/introspect", status, body.dump()); }
  json active(json extra = json::object()) const {
    json c = {{"active", true}, {"sub", "alice"}, {"client_id", "app"}, {"aud", kPublic},
              {"exp", now_s + 300}, {"scope", "mcp:tools"}};
    c.update(extra);
    return c;
  }
  ResourceServer::Verdict run(const std::string& token, const json& message = tools_call("echo")) {
    return run_co(ctx, rs->authenticate("Bearer " + token, message));
  }
  unsigned status_of(const ResourceServer::Verdict& v) {
    return std::holds_alternative<std::string>(v) ? 200u : std::get<bridge::Reply>(v).http_status;
  }
};

TEST_F(IntrospectionTest, AnActiveOpaqueTokenIsJudgedByThePolicyAndCached) {
  answer(active());
  auto v = run("opaque-1");
  ASSERT_TRUE(std::holds_alternative<std::string>(v)) << std::get<bridge::Reply>(v).www_authenticate;
  EXPECT_NE(std::get<std::string>(v).find("alice"), std::string::npos);
  EXPECT_NE(std::get<std::string>(v).find(kIssuer), std::string::npos) << "no iss in the answer: the endpoint's issuer";
  auto seen = as.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].body, "token=opaque-1&token_type_hint=access_token");
  EXPECT_EQ(seen[0].authorization, "Basic YnJpZGdlOnMlM0RjcmV0") << "base64(form-encoded bridge:s=cret)";
  EXPECT_EQ(std::get<std::string>(run("opaque-1")), std::get<std::string>(v));
  EXPECT_EQ(as.requests().size(), 1u) << "the answer is cached";
  now_s += 31;
  run("opaque-1");
  EXPECT_EQ(as.requests().size(), 2u) << "asked again after the cache TTL";
}

TEST_F(IntrospectionTest, InactiveWrongAudienceAndMissingScope) {
  answer(json{{"active", false}});
  auto r = std::get<bridge::Reply>(run("revoked"));
  EXPECT_EQ(r.http_status, 401u);
  EXPECT_NE(r.www_authenticate.find("error=\"invalid_token\""), std::string::npos);
  run("revoked");
  EXPECT_EQ(as.requests().size(), 1u) << "an inactive answer is cached too";
  answer(active({{"aud", "https://other.test/mcp"}}));
  EXPECT_EQ(status_of(run("other-audience")), 401u);
  answer(active({{"exp", now_s - 100}}));
  EXPECT_EQ(status_of(run("expired")), 401u);
  answer(active());
  EXPECT_EQ(status_of(run("narrow", tools_call("delete"))), 403u);
  answer(json("garbage"));
  EXPECT_EQ(status_of(run("garbage-answer")), 401u);
}

TEST_F(IntrospectionTest, AFailingEndpointIs503) {
  answer(json::object(), 500);
  auto r = std::get<bridge::Reply>(run("opaque"));
  EXPECT_EQ(r.http_status, 503u);
  EXPECT_TRUE(r.www_authenticate.empty());
  answer(active());
  EXPECT_EQ(status_of(run("opaque")), 200u) << "a failure is not cached";
}

TEST(IntrospectionClaims, OnlyAnActiveObject) {
  EXPECT_FALSE(introspection_claims(R"({"active":false,"sub":"a"})", "https://as.test"));
  EXPECT_FALSE(introspection_claims(R"({"active":"true","sub":"a"})", "https://as.test"));
  EXPECT_FALSE(introspection_claims(R"({"sub":"a"})", "https://as.test"));
  EXPECT_FALSE(introspection_claims("[true]", "https://as.test"));
  EXPECT_FALSE(introspection_claims("not json", "https://as.test"));
  auto c = introspection_claims(R"({"active":true,"sub":"a"})", "https://as.test");
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["iss"], "https://as.test");
  EXPECT_EQ((*introspection_claims(R"({"active":true,"iss":"https://x.test"})", "https://as.test"))["iss"],
            "https://x.test");
}

TEST(BearerToken, ParsesTheAuthorizationHeader) {
  using K = BearerToken::Kind;
  EXPECT_EQ(bearer_token("").kind, K::None);
  EXPECT_EQ(bearer_token("Basic abc").kind, K::None);
  EXPECT_EQ(bearer_token("Bearerabc").kind, K::None);
  EXPECT_EQ(bearer_token("Bearer").kind, K::Malformed);
  EXPECT_EQ(bearer_token("Bearer a b").kind, K::Malformed);
  EXPECT_EQ(bearer_token("Bearer a,b").kind, K::Malformed);
  EXPECT_EQ(bearer_token("Bearer =abc").kind, K::Malformed);
  auto t = bearer_token("  BEARER  eyJ.a-b_c~d+e/f==  ");
  EXPECT_EQ(t.kind, K::Token);
  EXPECT_EQ(t.token, "eyJ.a-b_c~d+e/f==");
}

TEST(JwksFreshness, ShouldFetch) {
  JwksCacheOptions o;
  o.min_refetch_interval = 30s;
  o.max_age = 600s;
  const std::chrono::steady_clock::time_point t0{};
  EXPECT_TRUE(should_fetch({}, t0, false, o)) << "never tried";
  JwksFreshness failed{t0, std::nullopt};
  EXPECT_FALSE(should_fetch(failed, t0 + 29s, false, o));
  EXPECT_TRUE(should_fetch(failed, t0 + 30s, false, o));
  JwksFreshness fresh{t0, t0};
  EXPECT_FALSE(should_fetch(fresh, t0 + 29s, true, o)) << "rate limit beats an unknown kid";
  EXPECT_TRUE(should_fetch(fresh, t0 + 30s, true, o));
  EXPECT_FALSE(should_fetch(fresh, t0 + 599s, false, o));
  EXPECT_TRUE(should_fetch(fresh, t0 + 600s, false, o));
}

}  // namespace
}  // namespace mcp::auth
