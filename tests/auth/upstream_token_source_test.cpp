// The bridge's own upstream access token (auth/upstream_token_source.hpp):
// the request body, reading the token endpoint's answer as hostile bytes, the
// refresh and backoff timing (pure, an injected clock), then the class against
// a scripted loopback token endpoint with the clock advanced by the test.
#include "auth/upstream_token_source.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/client_authentication.hpp"
#include "scripted_http.hpp"

namespace mcp::auth {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using std::chrono::steady_clock;
using upstream::test::run_co;

const TokenTiming kTiming{};

IssuedToken issued(unsigned status, const std::string& body) {
  auto r = read_token_response(status, body, kTiming);
  if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << "refused: " << *why;
  return std::holds_alternative<IssuedToken>(r) ? std::get<IssuedToken>(r) : IssuedToken{};
}

std::string refusal(unsigned status, const std::string& body) {
  auto r = read_token_response(status, body, kTiming);
  EXPECT_TRUE(std::holds_alternative<std::string>(r)) << "accepted: " << body;
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

json answer(std::string token, json expires_in = 3600) {
  return {{"access_token", std::move(token)}, {"token_type", "Bearer"}, {"expires_in", std::move(expires_in)}};
}

TEST(UpstreamTokenRequest, BodyHasGrantTypeScopeAndResource) {
  EXPECT_EQ(client_credentials_request_body({"mcp:tools", "files:read"}, "https://up.example/mcp"),
            "grant_type=client_credentials&scope=mcp%3Atools%20files%3Aread&resource=https%3A%2F%2Fup.example%2Fmcp");
  EXPECT_EQ(client_credentials_request_body({}, "http://127.0.0.1:3001/mcp"),
            "grant_type=client_credentials&resource=http%3A%2F%2F127.0.0.1%3A3001%2Fmcp")
      << "no scope parameter without scopes (the server's default)";
}

TEST(UpstreamTokenRequest, ClientSecretBasicFormEncodesIdAndSecretFirst) {
  // RFC 6749 §2.3.1; "bridge:s=cret" -> "bridge:s%3Dcret" -> base64.
  EXPECT_EQ(client_secret_basic("bridge", "s=cret"), "Basic YnJpZGdlOnMlM0RjcmV0");
  EXPECT_EQ(client_secret_basic("a:b", "c"), "Basic YSUzQWI6Yw==") << "a ':' in the id cannot split it";
}

TEST(UpstreamTokenResponse, AcceptsABearerTokenAnyCaseWithItsLifetime) {
  auto t = issued(200, answer("eyJ.abc-_~+/=", 120).dump());
  EXPECT_EQ(t.access_token, "eyJ.abc-_~+/=");
  EXPECT_EQ(t.lifetime, 120s);
  json lower = answer("tok", 60);
  lower["token_type"] = "bearer";  // RFC 6749 §7.1: case-insensitive
  EXPECT_EQ(issued(200, lower.dump()).lifetime, 60s);
  EXPECT_EQ(issued(200, answer("tok", "3599").dump()).lifetime, 3599s) << "a decimal string, as some servers send";
  EXPECT_EQ(issued(200, answer("tok", 90.7).dump()).lifetime, 90s);
}

TEST(UpstreamTokenResponse, MissingExpiresInIsTheDefaultAndHugeOnesAreCapped) {
  json no_expiry = answer("tok");
  no_expiry.erase("expires_in");
  EXPECT_EQ(issued(200, no_expiry.dump()).lifetime, kTiming.default_lifetime);
  EXPECT_EQ(issued(200, answer("tok", 1e300).dump()).lifetime, kTiming.max_lifetime);
  EXPECT_EQ(issued(200, answer("tok", std::uint64_t{1} << 63).dump()).lifetime, kTiming.max_lifetime);
}

TEST(UpstreamTokenResponse, RefusesWhatIsNotAUsableBearerToken) {
  EXPECT_NE(refusal(200, "not json").find("not JSON"), std::string::npos);
  EXPECT_NE(refusal(200, "[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusal(200, R"({"access_token":"t","expires_in":60})").find("no token_type"), std::string::npos);
  json mac = answer("t");
  mac["token_type"] = "MAC";
  EXPECT_NE(refusal(200, mac.dump()).find("'MAC' token, not a Bearer"), std::string::npos);
  EXPECT_NE(refusal(200, R"({"token_type":"Bearer"})").find("no access_token"), std::string::npos);
  EXPECT_NE(refusal(200, R"({"token_type":"Bearer","access_token":42})").find("no access_token"), std::string::npos);
  // Would smuggle header syntax into every upstream request.
  for (const char* bad : {"", "a b", "tok\r\nX-Injected: 1", "a\"b", "=abc", "t\xc3\xa9"})
    EXPECT_NE(refusal(200, answer(bad).dump()).find("not a valid bearer token"), std::string::npos) << bad;
  EXPECT_NE(refusal(200, answer(std::string(kMaxAccessTokenBytes + 1, 'a')).dump()).find("longer than"),
            std::string::npos);
  EXPECT_TRUE(std::holds_alternative<IssuedToken>(
      read_token_response(200, answer(std::string(kMaxAccessTokenBytes, 'a')).dump(), kTiming)));
  for (json bad : {json(0), json(-5), json(0.5), json("soon"), json("-1"), json(""), json::array(), json(true)})
    EXPECT_NE(refusal(200, answer("tok", bad).dump()).find("expires_in"), std::string::npos) << bad.dump();
}

TEST(UpstreamTokenResponse, AnErrorAnswerSaysWhatTheServerSaidBounded) {
  auto why = refusal(401, R"({"error":"invalid_client","error_description":"bad\nsecret"})");
  EXPECT_NE(why.find("HTTP 401 'invalid_client' ('bad?secret')"), std::string::npos) << why;
  EXPECT_NE(why.find("--upstream-client-id"), std::string::npos) << "says what to check";
  why = refusal(500, std::string(100'000, 'x'));
  EXPECT_EQ(why, "the token endpoint answered HTTP 500") << "a body that is not JSON is not quoted";
  why = refusal(400, json{{"error", std::string(5000, 'e')}}.dump());
  EXPECT_LT(why.size(), 400u) << "the server's words are bounded";
  why = refusal(302, answer("secret-token").dump());
  EXPECT_EQ(why.find("secret-token"), std::string::npos) << "a token is never quoted";
}

// The server's words were cut at 200 bytes, also through a UTF-8 sequence, and
// the reason (a client's error message) then made dump() throw on the response
// path (fuzz_auth_documents' invariant; seed token-response-utf8-cut).
TEST(UpstreamTokenResponse, AnErrorDescriptionIsCutAtACharacterBoundary) {
  auto a_then_e_acute = [](int n) {  // "a" then n times "é" (2 bytes): byte 200 is inside the 100th
    std::string s = "a";
    for (int i = 0; i < n; ++i) s += "\xc3\xa9";
    return s;
  };
  auto why = refusal(401, json{{"error", "invalid_client"}, {"error_description", a_then_e_acute(150)}}.dump());
  EXPECT_NO_THROW((void)json(why).dump()) << "the reason is valid UTF-8";
  EXPECT_NE(why.find("('" + a_then_e_acute(99) + "...(301 bytes)')"), std::string::npos) << why;
}

// ---- timing (pure) ------------------------------------------------------------

const steady_clock::time_point T0{std::chrono::hours(1000)};

TokenState holding(std::chrono::seconds lifetime, steady_clock::time_point at = T0) {
  TokenState s;
  s.authorization = "Bearer tok";
  s.obtained_at = at;
  s.expires_at = at + lifetime;
  s.last_attempt = at;
  return s;
}

TEST(UpstreamTokenTiming, RefreshesWhenTheSmallerOf60sAnd10PercentRemains) {
  EXPECT_EQ(refresh_time(holding(3600s), kTiming), T0 + 3540s) << "one hour: 60 s before";
  EXPECT_EQ(refresh_time(holding(100s), kTiming), T0 + 90s) << "100 s: 10 s before";
  EXPECT_EQ(refresh_time(holding(5s), kTiming), T0 + 4500ms) << "5 s: half a second before";
}

TEST(UpstreamTokenTiming, StepsOverATokensLife) {
  TokenState none;
  EXPECT_EQ(next_step(none, T0, kTiming), TokenStep::Fetch) << "nothing yet: fetch and wait";
  auto s = holding(100s);
  EXPECT_EQ(next_step(s, T0 + 1s, kTiming), TokenStep::Use);
  EXPECT_EQ(next_step(s, T0 + 89s, kTiming), TokenStep::Use);
  EXPECT_EQ(next_step(s, T0 + 90s, kTiming), TokenStep::UseAndRefresh) << "due: keep using it, refresh behind";
  EXPECT_EQ(next_step(s, T0 + 100s, kTiming), TokenStep::Fetch) << "expired: a caller waits for a new one";
  s.authorization.reset();  // dropped after an upstream 401
  EXPECT_EQ(next_step(s, T0 + 10s, kTiming), TokenStep::Fetch);
  EXPECT_EQ(next_step(s, T0 + 500ms, kTiming), TokenStep::Fail) << "never two fetches within min_fetch_interval";
  auto short_lived = holding(1s);
  EXPECT_EQ(next_step(short_lived, T0 + 950ms, kTiming), TokenStep::Use)
      << "due, but the last fetch is less than min_fetch_interval ago";
}

TEST(UpstreamTokenTiming, FailuresBackOffExponentiallyUpTo60s) {
  TokenState s;
  s.last_attempt = T0;
  for (auto [failures, delay] : {std::pair{1u, 1s}, {2u, 2s}, {3u, 4s}, {6u, 32s}, {7u, 60s}, {40u, 60s}}) {
    s.failures = failures;
    EXPECT_EQ(next_fetch_allowed(s, kTiming), T0 + delay) << failures;
    EXPECT_EQ(next_step(s, T0 + delay - 1ms, kTiming), TokenStep::Fail) << failures;
    EXPECT_EQ(next_step(s, T0 + delay, kTiming), TokenStep::Fetch) << failures;
  }
  auto failing_refresh = holding(100s);
  failing_refresh.last_attempt = T0 + 95s;
  failing_refresh.failures = 3;
  EXPECT_EQ(next_step(failing_refresh, T0 + 96s, kTiming), TokenStep::Use) << "the old token serves until it expires";
  EXPECT_EQ(next_step(failing_refresh, T0 + 99s, kTiming), TokenStep::UseAndRefresh);
}

// ---- the class, against a scripted token endpoint ------------------------------

struct TokenSourceTest : ::testing::Test {
  boost::asio::io_context ctx;
  test::ScriptedUpstream as{ctx};
  steady_clock::time_point now = T0;
  std::shared_ptr<UpstreamTokenSource> source;

  void SetUp() override { source = make(); }
  std::shared_ptr<UpstreamTokenSource> make(std::string url = "") {
    UpstreamTokenOptions o;
    o.token_url = url.empty() ? as.url("/token") : url;
    o.client_id = "bridge";
    o.client_secret = "s=cret";
    o.scopes = {"mcp:tools"};
    o.resource = "http://127.0.0.1:9/mcp";
    o.fetch.timeout = 5s;
    o.clock = [this] { return now; };
    return std::make_shared<UpstreamTokenSource>(ctx.get_executor(), o);
  }
  void issue(const std::string& token, int expires_in) { as.set("/token", 200, answer(token, expires_in).dump()); }
  std::string get(const std::string& refused = "") { return run_co(ctx, source->authorization(refused)); }
  std::string failure() {
    try {
      get();
    } catch (const upstream::UpstreamCredentialsError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no UpstreamCredentialsError";
    return "";
  }
};

TEST_F(TokenSourceTest, PostsTheGrantOnceAndSharesTheToken) {
  issue("tok-1", 3600);
  // Concurrent first callers share one fetch.
  std::vector<std::string> got;
  for (int i = 0; i < 5; ++i)
    boost::asio::co_spawn(ctx, source->authorization(""), [&](std::exception_ptr e, std::string v) {
      EXPECT_FALSE(e);
      got.push_back(v);
    });
  const auto deadline = steady_clock::now() + 10s;
  while (got.size() < 5 && steady_clock::now() < deadline) ctx.run_one_for(20ms);
  ASSERT_EQ(got.size(), 5u);
  for (const auto& g : got) EXPECT_EQ(g, "Bearer tok-1");
  EXPECT_EQ(source->fetch_attempts(), 1u);
  auto seen = as.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/token");
  EXPECT_EQ(seen[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].authorization, "Basic YnJpZGdlOnMlM0RjcmV0");
  EXPECT_EQ(seen[0].body, "grant_type=client_credentials&scope=mcp%3Atools&resource=http%3A%2F%2F127.0.0.1%3A9%2Fmcp");
  now += 3000s;
  EXPECT_EQ(get(), "Bearer tok-1");
  EXPECT_EQ(as.requests().size(), 1u) << "cached while not due";
}

TEST_F(TokenSourceTest, RefreshesBeforeExpiryWithoutMakingCallersWait) {
  issue("tok-1", 100);
  EXPECT_EQ(get(), "Bearer tok-1");
  issue("tok-2", 100);
  now += 89s;
  EXPECT_EQ(get(), "Bearer tok-1");
  EXPECT_EQ(as.requests().size(), 1u);
  now += 1s;  // 10 s left: due
  EXPECT_EQ(get(), "Bearer tok-1") << "the current token while the refresh runs";
  now += 11s;  // past tok-1's expiry: a caller waits for the refresh in flight, or finds its result
  EXPECT_EQ(get(), "Bearer tok-2");
  EXPECT_EQ(source->fetch_attempts(), 2u);
}

TEST_F(TokenSourceTest, ARefusedClientFailsClearlyAndBacksOff) {
  as.set("/token", 401, R"({"error":"invalid_client","error_description":"Client authentication failed"})");
  auto why = failure();
  EXPECT_NE(why.find("cannot obtain its access token"), std::string::npos) << why;
  EXPECT_NE(why.find("'invalid_client'"), std::string::npos) << why;
  EXPECT_EQ(why.find("s=cret"), std::string::npos);
  EXPECT_EQ(why.find("YnJpZGdl"), std::string::npos) << "nor the Basic credential";
  why = failure();
  EXPECT_NE(why.find("next attempt in 1000 ms"), std::string::npos) << why;
  EXPECT_EQ(source->fetch_attempts(), 1u) << "meanwhile callers fail at once, no POST";
  now += 1s;
  failure();
  EXPECT_EQ(source->fetch_attempts(), 2u);
  now += 1s;
  failure();
  EXPECT_EQ(source->fetch_attempts(), 2u) << "second failure: 2 s";
  now += 1s;
  issue("tok-ok", 3600);
  EXPECT_EQ(get(), "Bearer tok-ok") << "recovers once the server accepts the client";
  EXPECT_EQ(source->fetch_attempts(), 3u);
}

TEST_F(TokenSourceTest, AFailedRefreshKeepsTheCurrentTokenUntilItExpires) {
  issue("tok-1", 100);
  get();
  as.set("/token", 503, "{}");
  now += 95s;
  EXPECT_EQ(get(), "Bearer tok-1");  // starts the refresh, which fails
  now += 2s;
  EXPECT_EQ(get(), "Bearer tok-1");
  now += 4s;  // expired, and the backoff allows a try: it fails too
  EXPECT_NE(failure().find("HTTP 503"), std::string::npos);
}

TEST_F(TokenSourceTest, AnUpstream401DropsTheCurrentTokenOnly) {
  issue("tok-1", 3600);
  get();
  issue("tok-2", 3600);
  now += 10s;
  EXPECT_EQ(get("Bearer stale"), "Bearer tok-1") << "a refused token that is no longer current changes nothing";
  EXPECT_EQ(source->fetch_attempts(), 1u);
  EXPECT_EQ(get("Bearer tok-1"), "Bearer tok-2") << "the refused current token is replaced at once";
  EXPECT_EQ(source->fetch_attempts(), 2u);
  EXPECT_EQ(get(), "Bearer tok-2");
  EXPECT_EQ(source->fetch_attempts(), 2u);
}

TEST_F(TokenSourceTest, RefusalsCannotMakeItHammerTheServer) {
  issue("tok-1", 3600);
  get();
  issue("tok-2", 3600);
  now += 10s;
  EXPECT_EQ(get("Bearer tok-1"), "Bearer tok-2");
  EXPECT_THROW(get("Bearer tok-2"), upstream::UpstreamCredentialsError) << "refused within a second of the last fetch";
  EXPECT_EQ(source->fetch_attempts(), 2u);
  now += 1s;
  issue("tok-3", 3600);
  EXPECT_EQ(get(), "Bearer tok-3");
  EXPECT_EQ(source->fetch_attempts(), 3u);
}

TEST_F(TokenSourceTest, AnUnreachableEndpointIsACredentialsError) {
  // A port nothing listens on: bind one, then close it.
  std::string url;
  {
    boost::asio::ip::tcp::acceptor a(ctx, {boost::asio::ip::make_address("127.0.0.1"), 0});
    url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/token";
  }
  source = make(url);
  EXPECT_NE(failure().find("cannot be reached"), std::string::npos);
}

TEST_F(TokenSourceTest, RefusesAnInsecureUrlOrAMissingSecret) {
  EXPECT_THROW(make("http://auth.example.com/token"), std::invalid_argument) << "the secret would travel in clear";
  EXPECT_NO_THROW(make("http://localhost:1/token"));
  EXPECT_NO_THROW(make("https://auth.example.com/token"));
  UpstreamTokenOptions o;
  o.token_url = as.url("/token");
  o.client_id = "bridge";
  EXPECT_THROW(UpstreamTokenSource(ctx.get_executor(), o), std::invalid_argument);
}

}  // namespace
}  // namespace mcp::auth
