// Resource-server mode through the real HTTP server and bridge: the
// downstream HttpServer on 127.0.0.1:0 with ResourceServer as its
// authenticate hook, the bridge over the scripted fake upstream
// (tests/bridge/fake_upstream.hpp) behind client_credentials_free_factory,
// the JWK Set on a scripted loopback server, tokens signed by cjose. Asserts
// on the upstream's side: which sessions it was asked to create, with which
// credentials, and which requests reached it.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http.hpp>

#include "../bridge/fake_upstream.hpp"
#include "auth/resource_server.hpp"
#include "bridge/make_bridge.hpp"
#include "downstream/http_listener.hpp"
#include "scripted_http.hpp"
#include "token_signer.hpp"

namespace mcp::auth {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using json = nlohmann::json;
using test::TestKey;

constexpr const char* kIssuer = "https://as.test";

class PrincipalSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    as.set("/jwks", 200, test::jwks({key.public_jwk()}));
    ResourceServerOptions o;
    o.policy.issuers = {kIssuer};
    o.policy.scopes_supported = {"mcp:tools"};
    o.jwks.url = as.url("/jwks");
    rs = std::make_shared<ResourceServer>(ioc.get_executor(), o);
    bridge::BridgeOptions bo;
    bo.health_probe = false;
    factory = std::make_shared<::mcp::test::FakeFactory>(ioc.get_executor(), upstream_state);
    bridge = bridge::make_bridge(ioc.get_executor(), client_credentials_free_factory(factory), bo);
    downstream::HttpServerOptions ho;
    ho.host = "127.0.0.1";
    ho.port = 0;
    ho.resource_metadata = [rs = rs] { return rs->serve_metadata(); };
    ho.authenticate = [rs = rs](std::string_view a, const json& m) { return rs->authenticate(a, m); };
    server = std::make_shared<downstream::HttpServer>(ioc.get_executor(), bridge, ho);
    server->start();
    public_url = "http://127.0.0.1:" + std::to_string(server->local_port()) + "/mcp";
    rs->set_public_url(public_url);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  void TearDown() override {
    auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::milliseconds(500)), asio::use_future);
    done.wait_for(std::chrono::seconds(10));
    auto down = asio::co_spawn(ioc, bridge->shutdown(), asio::use_future);
    down.wait_for(std::chrono::seconds(10));
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  std::string token(const std::string& sub, json extra = json::object()) const {
    json c = {{"iss", kIssuer}, {"sub", sub}, {"aud", public_url},
              {"exp", std::time(nullptr) + 300}, {"scope", "mcp:tools"}};
    c.update(extra);
    return key.sign(c);
  }

  http::response<http::string_body> send(http::request<http::string_body> req) {
    tcp::socket s(client_ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), server->local_port()});
    req.set(http::field::host, "127.0.0.1:" + std::to_string(server->local_port()));
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
  }

  http::response<http::string_body> call(const std::string& authorization, int id) {
    json body = {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
                 {"params", {{"name", "echo"}, {"arguments", {{"text", "hi"}}},
                             {"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                                        {"io.modelcontextprotocol/clientCapabilities", json::object()}}}}}};
    http::request<http::string_body> req{http::verb::post, "/mcp", 11};
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    req.set("MCP-Protocol-Version", "2026-07-28");
    req.set("Mcp-Method", "tools/call");
    req.set("Mcp-Name", "echo");
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    req.body() = body.dump();
    return send(std::move(req));
  }

  int creates() {
    std::lock_guard lock(upstream_state->mu);
    return upstream_state->creates;
  }
  std::size_t upstream_requests() {
    std::lock_guard lock(upstream_state->mu);
    return upstream_state->requests.size();
  }

  asio::io_context ioc;
  asio::io_context client_ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{ioc.get_executor()};
  std::vector<std::thread> threads;
  test::ScriptedUpstream as{ioc};
  TestKey key = TestKey::rsa("k1");
  std::shared_ptr<ResourceServer> rs;
  std::shared_ptr<::mcp::test::FakeServerState> upstream_state = std::make_shared<::mcp::test::FakeServerState>();
  std::shared_ptr<::mcp::test::FakeFactory> factory;
  std::shared_ptr<bridge::Bridge> bridge;
  std::shared_ptr<downstream::HttpServer> server;
  std::string public_url;
};

TEST_F(PrincipalSessionsTest, SessionsFollowPrincipalsAndNoTokenGoesUpstream) {
  const auto alice = token("alice");
  const auto bob = token("bob");
  auto a = call("Bearer " + alice, 1);
  ASSERT_EQ(a.result_int(), 200) << a.body();
  EXPECT_EQ(creates(), 1);
  auto b = call("Bearer " + bob, 2);
  ASSERT_EQ(b.result_int(), 200) << b.body();
  EXPECT_EQ(creates(), 2) << "two principals never share an upstream session";
  // Alice's refreshed token (new expiry, new id): her session again.
  auto again = call("Bearer " + token("alice", {{"exp", std::time(nullptr) + 900}, {"jti", "second"}}), 3);
  ASSERT_EQ(again.result_int(), 200) << again.body();
  EXPECT_EQ(creates(), 2) << "a refreshed token keeps its principal's session";
  // More scopes make another principal (what the session may do differs).
  ASSERT_EQ(call("Bearer " + token("alice", {{"scope", "mcp:tools extra"}}), 4).result_int(), 200);
  EXPECT_EQ(creates(), 3);
  // The upstream saw no credential at all: no token, no principal.
  std::lock_guard lock(upstream_state->mu);
  ASSERT_EQ(upstream_state->authorizations.size(), 3u);
  for (const auto& seen : upstream_state->authorizations) EXPECT_EQ(seen, "") << "the upstream got: " << seen;
  for (const auto& request : upstream_state->requests) {
    const auto text = request.dump();
    EXPECT_EQ(text.find(alice), std::string::npos);
    EXPECT_EQ(text.find(bob), std::string::npos);
  }
}

TEST_F(PrincipalSessionsTest, RefusedRequestsNeverReachTheUpstream) {
  ASSERT_EQ(call("Bearer " + token("alice"), 1).result_int(), 200);
  const auto before = upstream_requests();
  const int sessions = creates();
  auto none = call("", 2);
  EXPECT_EQ(none.result_int(), 401);
  EXPECT_EQ(std::string(none[http::field::www_authenticate]),
            "Bearer resource_metadata=\"http://127.0.0.1:" + std::to_string(server->local_port()) +
                "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:tools\"");
  EXPECT_EQ(json::parse(none.body())["id"], 2);
  auto wrong_aud = call("Bearer " + token("alice", {{"aud", "https://elsewhere.test/mcp"}}), 3);
  EXPECT_EQ(wrong_aud.result_int(), 401);
  EXPECT_NE(std::string(wrong_aud[http::field::www_authenticate]).find("error=\"invalid_token\""), std::string::npos);
  TestKey forger = TestKey::rsa("k1");
  EXPECT_EQ(call("Bearer " + forger.sign(json{{"iss", kIssuer}, {"sub", "alice"}, {"aud", public_url},
                                              {"exp", std::time(nullptr) + 300}}),
                 4)
                .result_int(),
            401);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(call("Bearer garbage-" + std::to_string(i), 10 + i).result_int(), 401);
  EXPECT_EQ(upstream_requests(), before) << "no refused request reached the upstream";
  EXPECT_EQ(creates(), sessions);
  EXPECT_TRUE(bridge->upstream_healthy());
}

TEST_F(PrincipalSessionsTest, ServesItsOwnMetadataAtBothWellKnownUrls) {
  for (const char* path : {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
    http::request<http::string_body> req{http::verb::get, path, 11};
    auto res = send(std::move(req));
    ASSERT_EQ(res.result_int(), 200) << path;
    auto doc = json::parse(res.body());
    EXPECT_EQ(doc["resource"], public_url);
    EXPECT_EQ(doc["authorization_servers"], json::array({kIssuer}));
    EXPECT_EQ(doc["scopes_supported"], json::array({"mcp:tools"}));
    EXPECT_EQ(doc["bearer_methods_supported"], json::array({"header"}));
  }
}

}  // namespace
}  // namespace mcp::auth
