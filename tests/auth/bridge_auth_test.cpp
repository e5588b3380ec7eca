// The bridge's side of passthrough authorization, against a scripted legacy
// upstream that refuses tokens the way an OAuth-protected server does (no
// sockets): a 401/403 reaches the client with its status and the (rewritten)
// challenge, never counts as an upstream failure, and the health probe takes
// a 401 for "alive".
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <set>

#include "bridge/make_bridge.hpp"
#include "upstream/http_upstream.hpp"

namespace mcp::auth {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using upstream::UpstreamHttpError;

constexpr const char* kChallenge =
    R"(Bearer error="invalid_token", resource_metadata="http://up.test/.well-known/oauth-protected-resource/mcp")";

// Accepts "Bearer good" at initialize; "Bearer narrow" initializes but every
// call is refused 403; anything else (and no token) is refused 401.
struct Script {
  std::atomic<int> starts{0};
  std::atomic<int> calls{0};
};

class RefusingSession : public upstream::UpstreamSession {
 public:
  RefusingSession(std::string authorization, std::shared_ptr<Script> script)
      : authorization_(std::move(authorization)), script_(std::move(script)) {}
  asio::awaitable<void> start(json) override {
    ++script_->starts;
    if (authorization_ != "Bearer good" && authorization_ != "Bearer narrow") {
      usable_ = false;
      throw UpstreamHttpError(401, kChallenge, "upstream answered initialize with HTTP 401");
    }
    co_return;
  }
  const json& initialize_result() const override { return init_; }
  asio::awaitable<json> call(json request, upstream::CallNotificationHandler, upstream::CallContext) override {
    ++script_->calls;
    if (authorization_ == "Bearer narrow")
      throw UpstreamHttpError(403, R"(Bearer error="insufficient_scope", scope="files:write")", "HTTP 403");
    co_return json{{"jsonrpc", "2.0"}, {"id", request["id"]},
                   {"result", {{"content", json::array({{{"type", "text"}, {"text", "ok"}}})}}}};
  }
  asio::awaitable<void> notify(json) override { co_return; }
  bool usable() const override { return usable_; }
  asio::awaitable<void> shutdown() override { co_return; }
  std::size_t in_flight() const override { return 0; }

 private:
  std::string authorization_;
  std::shared_ptr<Script> script_;
  json init_ = {{"protocolVersion", "2025-11-25"},
                {"capabilities", {{"tools", json::object()}}},
                {"serverInfo", {{"name", "protected"}, {"version", "1"}}}};
  bool usable_ = true;
};

class RefusingFactory : public upstream::SessionFactory {
 public:
  explicit RefusingFactory(std::shared_ptr<Script> s) : script_(std::move(s)) {}
  std::shared_ptr<upstream::UpstreamSession> create(const upstream::SessionContext& ctx) override {
    return std::make_shared<RefusingSession>(ctx.authorization, script_);
  }
  std::string describe() const override { return "refusing fake"; }

 private:
  std::shared_ptr<Script> script_;
};

struct BridgeAuthTest : ::testing::Test {
  asio::io_context ioc;
  std::shared_ptr<Script> script = std::make_shared<Script>();
  std::shared_ptr<bridge::Bridge> make(bool probe, bool resource_server = false) {
    bridge::BridgeOptions o;
    o.health_probe = probe;
    o.upstream_refuses_the_bridge = resource_server;
    o.rewrite_challenge = [](std::string_view c) { return "rewritten(" + std::string(c) + ")"; };
    return bridge::make_bridge(ioc.get_executor(), std::make_shared<RefusingFactory>(script), o);
  }
  bridge::Reply call(bridge::Bridge& b, std::string authorization, int id) {
    bridge::DownstreamRequest r;
    r.authorization = std::move(authorization);
    r.message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
                 {"params", {{"name", "echo"}, {"arguments", json::object()},
                             {"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                                        {"io.modelcontextprotocol/clientCapabilities", json::object()}}}}}};
    r.via_http = false;  // no Mcp-Param-* validation (no tools/list needed)
    std::optional<bridge::Reply> out;
    asio::co_spawn(ioc, b.handle(std::move(r), [](json) {}), [&](std::exception_ptr e, bridge::Reply reply) {
      if (!e) out = std::move(reply);
    });
    for (int i = 0; i < 100000 && !out; ++i) ioc.run_one_for(std::chrono::milliseconds(10));
    if (!out) throw std::runtime_error("the bridge did not answer");
    return *out;
  }
};

TEST_F(BridgeAuthTest, RefusedTokensGetTheUpstreamsStatusAndChallenge) {
  auto b = make(false);
  auto r = call(*b, "", 1);
  EXPECT_EQ(r.http_status, 401u);
  EXPECT_EQ(r.www_authenticate, std::string("rewritten(") + kChallenge + ")");
  EXPECT_EQ(r.body["id"], 1);
  EXPECT_EQ(r.body["error"]["code"], -32001);

  auto bad = call(*b, "Bearer forged", 2);
  EXPECT_EQ(bad.http_status, 401u);
  EXPECT_EQ(script->calls.load(), 0) << "a refused token never reaches a call";

  auto ok = call(*b, "Bearer good", 3);
  EXPECT_EQ(ok.http_status, 200u) << ok.body.dump();
  EXPECT_TRUE(ok.www_authenticate.empty());

  auto narrow = call(*b, "Bearer narrow", 4);
  EXPECT_EQ(narrow.http_status, 403u);
  EXPECT_EQ(narrow.www_authenticate, R"(rewritten(Bearer error="insufficient_scope", scope="files:write"))");
  EXPECT_EQ(narrow.body["id"], 4);
}

TEST_F(BridgeAuthTest, RefusalsNeverTurnTheUpstreamUnhealthy) {
  auto b = make(false);
  ASSERT_EQ(call(*b, "Bearer good", 1).http_status, 200u);
  ASSERT_TRUE(b->upstream_healthy());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(call(*b, "Bearer bad-" + std::to_string(i), 10 + i).http_status, 401u);
    EXPECT_EQ(call(*b, "Bearer narrow", 100 + i).http_status, 403u);
  }
  EXPECT_TRUE(b->upstream_healthy()) << "401/403 are the clients' problem, not the upstream's";
}

TEST_F(BridgeAuthTest, InResourceServerModeAnUpstreamRefusalIsTheBridgesProblem) {
  // The session carries the bridge's credential only (auth::client_credentials_free_factory);
  // here the fake refuses it ("" is not "Bearer good").
  auto b = make(false, /*resource_server=*/true);
  ASSERT_EQ(call(*b, "Bearer good", 100).http_status, 200u);  // a session the fake accepts: healthy
  ASSERT_TRUE(b->upstream_healthy());
  for (int i = 0; i < 5; ++i) {
    auto r = call(*b, "principal {\"sub\":\"alice\"}", i);
    EXPECT_EQ(r.http_status, 502u) << r.body.dump();
    EXPECT_TRUE(r.www_authenticate.empty()) << "the upstream's challenge is not the client's to answer";
    EXPECT_EQ(r.body["id"], i);
    EXPECT_EQ(r.body["error"]["code"], -32603);
  }
  EXPECT_TRUE(b->upstream_healthy()) << "still an authorization problem, not an upstream failure";
}

TEST_F(BridgeAuthTest, HealthProbeAnswered401MeansAlive) {
  auto b = make(true);
  for (int i = 0; i < 100000 && !b->upstream_healthy(); ++i) ioc.run_one_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(b->upstream_healthy());
  EXPECT_GE(script->starts.load(), 1);
  bool down = false;
  asio::co_spawn(ioc, b->shutdown(), [&](std::exception_ptr) { down = true; });
  for (int i = 0; i < 1000 && !down; ++i) ioc.run_one_for(std::chrono::milliseconds(10));
}

}  // namespace
}  // namespace mcp::auth
