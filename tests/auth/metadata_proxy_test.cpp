// The metadata proxy against a scripted loopback upstream: which URLs it
// fetches (RFC 9728 §3.1 order, the challenge's own URL first, never another
// origin), the rewrite, the cache (an injected clock, no sleeping), one fetch
// for concurrent callers, the size bound.
#include "auth/metadata_proxy.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <vector>

#include "../upstream/test_support.hpp"
#include "scripted_http.hpp"

namespace mcp::auth {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using json = nlohmann::json;
using upstream::test::run_co;
using test::ScriptedUpstream;

const std::string kDoc =
    R"({"resource":"UPSTREAM","authorization_servers":["https://as.example.com"],"scopes_supported":["mcp:tools"]})";
constexpr const char* kPublic = "https://mcp.example.com/mcp";

struct MetadataProxyTest : ::testing::Test {
  asio::io_context ctx;
  ScriptedUpstream up{ctx};
  std::chrono::steady_clock::time_point now{};
  std::shared_ptr<ResourceMetadataProxy> make(std::size_t max_bytes = 64 * 1024) {
    MetadataProxyOptions o;
    o.upstream_url = up.url();
    o.max_document_bytes = max_bytes;
    o.timeout = std::chrono::seconds(5);
    o.cache_ttl = std::chrono::seconds(60);
    o.failure_ttl = std::chrono::seconds(5);
    o.clock = [this] { return now; };
    auto p = std::make_shared<ResourceMetadataProxy>(ctx.get_executor(), o);
    p->set_public_url(kPublic);
    return p;
  }
};

TEST_F(MetadataProxyTest, ServesThePathSuffixedDocumentRewrittenAndCachesIt) {
  up.set("/.well-known/oauth-protected-resource/mcp", 200, kDoc);
  auto p = make();
  EXPECT_EQ(p->metadata_url(), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
  auto r = run_co(ctx, p->serve());
  ASSERT_EQ(r.http_status, 200u) << r.body.dump();
  EXPECT_EQ(r.body["resource"], kPublic);
  EXPECT_EQ(r.body["authorization_servers"], json::array({"https://as.example.com"}));
  EXPECT_EQ(up.asked(), std::vector<std::string>{"/.well-known/oauth-protected-resource/mcp"});
  run_co(ctx, p->serve());
  EXPECT_EQ(up.asked().size(), 1u) << "served from the cache within the TTL";
  now += std::chrono::seconds(61);
  run_co(ctx, p->serve());
  EXPECT_EQ(up.asked().size(), 2u) << "fetched again after the TTL";
}

TEST_F(MetadataProxyTest, FallsBackToTheRootForm) {
  up.set("/.well-known/oauth-protected-resource", 200, kDoc);
  auto r = run_co(ctx, make()->serve());
  ASSERT_EQ(r.http_status, 200u) << r.body.dump();
  EXPECT_EQ(up.asked(), (std::vector<std::string>{"/.well-known/oauth-protected-resource/mcp",
                                                  "/.well-known/oauth-protected-resource"}));
}

TEST_F(MetadataProxyTest, TheChallengesUrlFirstButNeverAnotherOrigin) {
  up.set("/custom/prm", 200, kDoc);
  auto p = make();
  const std::string rewritten =
      p->rewrite_challenge("Bearer error=\"invalid_token\", resource_metadata=\"" + up.url("/custom/prm") + "\"");
  EXPECT_EQ(rewritten, std::string("Bearer error=\"invalid_token\", resource_metadata=\"") +
                           "https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
  auto r = run_co(ctx, p->serve());
  ASSERT_EQ(r.http_status, 200u);
  EXPECT_EQ(up.asked(), std::vector<std::string>{"/custom/prm"});

  // Another origin (a different port on loopback, where nothing listens):
  // ignored; only the upstream's own well-known URLs are asked, and they
  // serve nothing here.
  auto q = make();
  q->rewrite_challenge("Bearer resource_metadata=\"http://127.0.0.1:1/custom/prm\"");
  auto r2 = run_co(ctx, q->serve());
  EXPECT_EQ(r2.http_status, 404u) << r2.body.dump();
  EXPECT_EQ(up.asked(), (std::vector<std::string>{"/custom/prm", "/.well-known/oauth-protected-resource/mcp",
                                                  "/.well-known/oauth-protected-resource"}));
}

TEST_F(MetadataProxyTest, NoDocumentIs404BadOrOversizedIs502) {
  auto none = run_co(ctx, make()->serve());
  EXPECT_EQ(none.http_status, 404u);

  up.set("/.well-known/oauth-protected-resource/mcp", 200, R"({"resource":"x"})");
  auto bad = run_co(ctx, make()->serve());
  EXPECT_EQ(bad.http_status, 502u);
  EXPECT_NE(bad.body.value("error_description", "").find("authorization_servers"), std::string::npos);

  up.set("/.well-known/oauth-protected-resource/mcp", 200,
         R"({"authorization_servers":["https://a"],"pad":")" + std::string(5000, 'x') + "\"}");
  auto big = run_co(ctx, make(1024)->serve());
  EXPECT_EQ(big.http_status, 502u) << big.body.dump();
}

TEST_F(MetadataProxyTest, ConcurrentCallersShareOneFetch) {
  up.set("/.well-known/oauth-protected-resource/mcp", 200, kDoc);
  auto p = make();
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    asio::co_spawn(ctx, p->serve(), [&](std::exception_ptr e, bridge::Reply r) {
      if (!e && r.http_status == 200) ++ok;
    });
  EXPECT_TRUE(upstream::test::run_until(ctx, [&] { return ok.load() == 8; }));
  EXPECT_EQ(up.asked().size(), 1u);
}

}  // namespace
}  // namespace mcp::auth
