// The HTTP listener over TLS (--tls-cert/--tls-key/--tls-client-ca): a real
// server on 127.0.0.1:0 with a fake Bridge, certificates made at run time
// (test_pki.hpp), and a blocking OpenSSL client that verifies the server.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "downstream/http_listener.hpp"
#include "downstream/tls_context.hpp"
#include "fake_bridge.hpp"
#include "mcp_requests.hpp"
#include "running_server.hpp"
#include "test_pki.hpp"

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using asio::ip::tcp;
using json = nlohmann::json;
using namespace mcp;

namespace {

struct ClientSetup {
  fs::path trusted_ca;                // the only CA the client trusts
  std::string verify_host = "127.0.0.1";  // the name or address the server's certificate must carry
  std::optional<test::PemPair> identity;  // a client certificate (mTLS)
};

// One TLS connection of a client that verifies the server like a browser.
class TlsClient {
 public:
  TlsClient(asio::io_context& ioc, const ClientSetup& setup) : ctx_(make_context(setup)), stream_(ioc, ctx_) {
    stream_.set_verify_callback(ssl::host_name_verification(setup.verify_host));
  }

  boost::system::error_code connect(std::uint16_t port) {
    boost::system::error_code ec;
    stream_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) stream_.handshake(ssl::stream_base::client, ec);
    return ec;
  }

  boost::system::error_code roundtrip(const http::request<http::string_body>& req,
                                      http::response<http::string_body>& res) {
    boost::system::error_code ec;
    http::write(stream_, req, ec);
    if (!ec) http::read(stream_, buffer_, res, ec);
    return ec;
  }

  // The certificate the server presented: serial number and subject CN.
  long peer_serial() {
    auto cert = peer();
    return cert ? ASN1_INTEGER_get(X509_get_serialNumber(cert.get())) : -1;
  }
  std::string peer_common_name() {
    auto cert = peer();
    if (!cert) return {};
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
    return cn;
  }

 private:
  static ssl::context make_context(const ClientSetup& setup) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(setup.trusted_ca.string());
    ctx.set_verify_mode(ssl::verify_peer);
    if (setup.identity) {
      ctx.use_certificate_chain_file(setup.identity->cert.string());
      ctx.use_private_key_file(setup.identity->key.string(), ssl::context::pem);
    }
    return ctx;
  }
  std::unique_ptr<X509, decltype(&X509_free)> peer() {
    return {SSL_get1_peer_certificate(stream_.native_handle()), X509_free};
  }

  ssl::context ctx_;
  ssl::stream<tcp::socket> stream_;
  beast::flat_buffer buffer_;
};

class TlsListenerTest : public ::testing::Test, protected test::RunningServer {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("mcp-tls-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    pki = std::make_unique<test::TestPki>(dir, "main");
    server_pem = pki->issue("bridge-1", 101, /*server=*/true);
  }

  void start(std::string client_ca = {}, downstream::HttpServerOptions opts = {}) {
    auto loaded = downstream::TlsContextSource::load({server_pem.cert, server_pem.key, std::move(client_ca)});
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<downstream::TlsContextSource>>(loaded))
        << std::get<std::string>(loaded);
    tls = std::get<std::shared_ptr<downstream::TlsContextSource>>(loaded);
    opts.tls = tls;
    start_server(std::move(opts));
  }

  void TearDown() override {
    stop_server();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  ClientSetup trusting_main_ca() { return ClientSetup{pki->ca_file}; }

  std::unique_ptr<TlsClient> connected(const ClientSetup& setup) {
    auto client = std::make_unique<TlsClient>(client_ioc, setup);
    auto ec = client->connect(server->local_port());
    EXPECT_FALSE(ec) << ec.message();
    return client;
  }

  // A tools/call over `client`; the HTTP status, or 0 when the exchange failed.
  int call_status(TlsClient& client, json id = 1) {
    http::response<http::string_body> res;
    if (client.roundtrip(test::mcp_post(server->local_port(), test::tools_call("echo", id)), res)) return 0;
    if (res.result_int() == 200) EXPECT_EQ(json::parse(res.body())["id"], id);
    return res.result_int();
  }

  fs::path dir;
  std::unique_ptr<test::TestPki> pki;
  test::PemPair server_pem;
  std::shared_ptr<downstream::TlsContextSource> tls;
  asio::io_context client_ioc;
};

}  // namespace

TEST_F(TlsListenerTest, ToolsCallAndSseOverTlsWithTheServerCertificateVerified) {
  start();
  auto client = connected(trusting_main_ca());
  EXPECT_EQ(client->peer_common_name(), "bridge-1");
  EXPECT_EQ(client->peer_serial(), 101);

  http::response<http::string_body> res;
  ASSERT_FALSE(client->roundtrip(test::mcp_post(server->local_port(), test::tools_call("echo", 7)), res));
  EXPECT_EQ(res.result_int(), 200);
  auto reply = json::parse(res.body());
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["result"]["echo"], "tools/call");
  EXPECT_TRUE(bridge->last().via_http);

  // Same connection (keep-alive): a streamed (SSE) reply, notifications first.
  json progress = test::tools_call("progress", 8);
  progress["params"]["_meta"]["progressToken"] = "tok";
  http::response<http::string_body> sse;
  ASSERT_FALSE(client->roundtrip(test::mcp_post(server->local_port(), progress), sse));
  EXPECT_EQ(sse[http::field::content_type], "text/event-stream");
  std::vector<json> events;
  std::istringstream in(sse.body());
  for (std::string line; std::getline(in, line);)
    if (line.rfind("data: ", 0) == 0) events.push_back(json::parse(line.substr(6)));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["method"], "notifications/progress");
  EXPECT_EQ(events[2]["id"], 8);

  // The certificate names localhost too.
  ClientSetup by_name = trusting_main_ca();
  by_name.verify_host = "localhost";
  auto named = connected(by_name);
  EXPECT_EQ(call_status(*named), 200);
}

TEST_F(TlsListenerTest, ClientsRefuseAServerTheyCannotVerify) {
  start();
  ClientSetup wrong_name = trusting_main_ca();
  wrong_name.verify_host = "bridge.example.com";
  TlsClient misnamed(client_ioc, wrong_name);
  EXPECT_TRUE(misnamed.connect(server->local_port()));

  test::TestPki other(dir, "other");
  TlsClient untrusting(client_ioc, ClientSetup{other.ca_file});
  EXPECT_TRUE(untrusting.connect(server->local_port()));

  auto good = connected(trusting_main_ca());  // the failed handshakes hurt nobody
  EXPECT_EQ(call_status(*good), 200);
}

TEST_F(TlsListenerTest, PlainHttpToTheTlsPortFailsAndTheNextTlsClientIsServed) {
  start();
  tcp::socket plain(client_ioc);
  plain.connect({asio::ip::make_address("127.0.0.1"), server->local_port()});
  boost::system::error_code ec;
  http::write(plain, test::mcp_post(server->local_port(), test::tools_call("echo")), ec);
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  if (!ec) http::read(plain, buf, res, ec);
  EXPECT_TRUE(ec) << "a plain HTTP client got an HTTP answer: " << res.result_int();
  EXPECT_EQ(bridge->calls.load(), 0);

  auto client = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*client), 200);
  EXPECT_EQ(bridge->calls.load(), 1);
}

TEST_F(TlsListenerTest, MutualTlsServesOnlyClientsWithACertificateFromTheClientCa) {
  start(pki->ca_file.string());

  // No certificate: the handshake fails (TLS 1.2), or the first read does
  // (TLS 1.3 reports the server's refusal after the client's Finished).
  TlsClient anonymous(client_ioc, trusting_main_ca());
  if (!anonymous.connect(server->local_port())) EXPECT_EQ(call_status(anonymous), 0);

  // A certificate from another CA is no better.
  test::TestPki other(dir, "other");
  ClientSetup stranger = trusting_main_ca();
  stranger.identity = other.issue("stranger", 7, /*server=*/false);
  TlsClient outsider(client_ioc, stranger);
  if (!outsider.connect(server->local_port())) EXPECT_EQ(call_status(outsider), 0);
  EXPECT_EQ(bridge->calls.load(), 0);

  ClientSetup member = trusting_main_ca();
  member.identity = pki->issue("client-1", 301, /*server=*/false);
  auto client = connected(member);
  EXPECT_EQ(call_status(*client), 200);
  EXPECT_EQ(bridge->calls.load(), 1);
}

TEST_F(TlsListenerTest, ReloadServesTheNewCertificateToNewConnectionsOnly) {
  start();
  auto before = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*before, 1), 200);
  EXPECT_EQ(before->peer_serial(), 101);

  // Renewed certificate and key at the same paths, as an operator would.
  auto renewed = pki->issue("bridge-2", 202, /*server=*/true);
  fs::copy_file(renewed.cert, server_pem.cert, fs::copy_options::overwrite_existing);
  fs::copy_file(renewed.key, server_pem.key, fs::copy_options::overwrite_existing);
  auto problem = tls->reload();
  ASSERT_FALSE(problem) << *problem;

  auto after = connected(trusting_main_ca());
  EXPECT_EQ(after->peer_serial(), 202);
  EXPECT_EQ(after->peer_common_name(), "bridge-2");
  EXPECT_EQ(call_status(*after, 2), 200);
  // The connection made before the reload is undisturbed, on its old context.
  EXPECT_EQ(call_status(*before, 3), 200);
  EXPECT_EQ(before->peer_serial(), 101);

  // A broken file, then a certificate without its key: both keep the current context.
  { std::ofstream(server_pem.cert) << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"; }
  problem = tls->reload();
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find(server_pem.cert.string()), std::string::npos) << *problem;
  auto third = pki->issue("bridge-3", 303, /*server=*/true);
  fs::copy_file(third.cert, server_pem.cert, fs::copy_options::overwrite_existing);
  problem = tls->reload();
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("does not belong"), std::string::npos) << *problem;

  auto still = connected(trusting_main_ca());
  EXPECT_EQ(still->peer_serial(), 202);
  EXPECT_EQ(call_status(*still, 4), 200);
}

TEST_F(TlsListenerTest, LoadingNamesTheFileThatFails) {
  auto garbage = dir / "garbage.pem";
  { std::ofstream(garbage) << "this is not PEM\n"; }
  auto other_key = pki->issue("unrelated", 5, /*server=*/true).key;
  struct Case {
    downstream::TlsFiles files;
    std::string mentions;
  };
  for (const auto& [files, mentions] : std::vector<Case>{
           {{garbage, server_pem.key, ""}, "--tls-cert " + garbage.string()},
           {{(dir / "missing.pem").string(), server_pem.key, ""}, "--tls-cert " + (dir / "missing.pem").string()},
           {{server_pem.cert, garbage, ""}, "--tls-key " + garbage.string()},
           {{server_pem.cert, other_key, ""}, "does not belong"},
           {{server_pem.cert, server_pem.key, garbage}, "--tls-client-ca " + garbage.string()},
       }) {
    auto loaded = downstream::TlsContextSource::load(files);
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded)) << mentions;
    EXPECT_NE(std::get<std::string>(loaded).find(mentions), std::string::npos) << std::get<std::string>(loaded);
  }
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<downstream::TlsContextSource>>(
      downstream::TlsContextSource::load({server_pem.cert, server_pem.key, pki->ca_file})));
}

TEST_F(TlsListenerTest, GracefulShutdownClosesAnIdleTlsConnectionAtOnce) {
  start();
  auto client = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*client), 200);
  ASSERT_EQ(server->active_connections(), 1u);
  // A drain far longer than the wait: only closing the idle connection at
  // once lets the shutdown finish in time.
  auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::seconds(60)), asio::use_future);
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(server->active_connections(), 0u);
  EXPECT_EQ(call_status(*client), 0);  // the server has closed it
  server.reset();
}

TEST_F(TlsListenerTest, IdleAndSilentConnectionsCloseOnTheirTimeouts) {
  downstream::HttpServerOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(200);
  opts.request_read_timeout = std::chrono::milliseconds(200);
  start({}, opts);
  // Kept alive after a request: closed by the idle timeout.
  auto client = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*client), 200);
  // Connected but never starting the handshake: closed by the read timeout.
  tcp::socket silent(client_ioc);
  silent.connect({asio::ip::make_address("127.0.0.1"), server->local_port()});
  EXPECT_TRUE(test::wait_until([&] { return server->active_connections() == 0; }));
  auto next = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*next), 200);
}

TEST_F(TlsListenerTest, OverTheConnectionLimitATlsClientIsClosedNotSentPlainText) {
  downstream::HttpServerOptions opts;
  opts.max_connections = 1;
  start({}, opts);
  auto first = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*first), 200);
  ASSERT_EQ(server->active_connections(), 1u);

  TlsClient second(client_ioc, trusting_main_ca());
  auto ec = second.connect(server->local_port());
  EXPECT_TRUE(ec) << "a connection over the limit completed its handshake";

  first.reset();  // frees the slot
  ASSERT_TRUE(test::wait_until([&] { return server->active_connections() == 0; }));
  auto third = connected(trusting_main_ca());
  EXPECT_EQ(call_status(*third), 200);
}
