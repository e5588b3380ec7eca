// https upstreams: certificate verification on by default (system CAs + a CA
// file), host name checked, and the explicit insecure switch. The server is
// an in-test TLS Beast server with a certificate generated at test time.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "upstream/http_upstream.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace mcp::upstream;
using namespace mcp::upstream::test;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

namespace {

struct SelfSigned {
  std::string cert_pem, key_pem;
};

// A P-256 certificate whose only usable name is SAN IP:127.0.0.1 (OpenSSL falls back to
// the CN when a SAN has no DNS entry, so the CN must not be a host name we test with).
SelfSigned make_self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mcp-test-server"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(x, bc, -1);
  X509_EXTENSION_free(bc);
  X509_sign(x, key, EVP_sha256());
  SelfSigned out;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  out.cert_pem.assign(data, n);
  BIO_free(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  n = BIO_get_mem_data(b, &data);
  out.key_pem.assign(data, n);
  BIO_free(b);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// Minimal legacy server over TLS: initialize, notifications, tools/call echo, DELETE; GET -> 405.
class TlsLegacyServer {
 public:
  explicit TlsLegacyServer(const SelfSigned& cert)
      : tls_(asio::ssl::context::tls_server), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
    tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    asio::co_spawn(ioc_, accept_each(acceptor_, [this](tcp::socket s) {
                     asio::co_spawn(ioc_, serve(std::move(s)), asio::detached);
                   }),
                   asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsLegacyServer() {
    asio::post(ioc_, [this] { ioc_.stop(); });
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  int deletes() const { return deletes_; }

 private:
  asio::awaitable<void> serve(tcp::socket sock) {
    beast::ssl_stream<beast::tcp_stream> s(std::move(sock), tls_);
    boost::system::error_code ec;
    co_await s.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // e.g. the client rejected our certificate
    beast::flat_buffer buf;
    for (;;) {
      http::request<http::string_body> req;
      co_await http::async_read(s, buf, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      http::response<http::string_body> res{http::status::ok, 11};
      res.keep_alive(req.keep_alive());
      if (req.method() == http::verb::get) {
        res.result(http::status::method_not_allowed);
      } else if (req.method() == http::verb::delete_) {
        ++deletes_;
      } else {
        json body = json::parse(req.body(), nullptr, false);
        if (!body.contains("id")) {
          res.result(http::status::accepted);
        } else if (body["method"] == "initialize") {
          res.set("Mcp-Session-Id", "tls-session");
          res.set(http::field::content_type, "application/json");
          res.body() = json{{"jsonrpc", "2.0"}, {"id", body["id"]},
                            {"result", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()},
                                        {"serverInfo", {{"name", "tls"}, {"version", "1"}}}}}}.dump();
        } else {
          res.set(http::field::content_type, "application/json");
          res.body() = json{{"jsonrpc", "2.0"}, {"id", body["id"]},
                            {"result", {{"version_header", std::string(req["MCP-Protocol-Version"])}}}}.dump();
        }
      }
      res.prepare_payload();
      co_await http::async_write(s, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }

  asio::io_context ioc_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> deletes_{0};
};

class HttpsUpstreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_file = std::filesystem::temp_directory_path() / ("mcp-upstream-test-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca_file) << cert.cert_pem;
  }
  void TearDown() override { std::filesystem::remove(ca_file); }

  SelfSigned cert = make_self_signed();
  TlsLegacyServer server{cert};
  std::filesystem::path ca_file;
  asio::io_context ctx;
};

}  // namespace

TEST_F(HttpsUpstreamTest, VerifiedWithCaFile) {
  HttpUpstreamOptions o;
  o.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/mcp";
  o.ca_file = ca_file.string();
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  const auto id = s->next_request_id();
  json req = {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/list"}};
  json r = run_co(ctx, s->call(req, nullptr, {}));
  EXPECT_EQ(r["result"]["version_header"], "2025-06-18");
  run_co(ctx, s->shutdown());
  EXPECT_TRUE(run_until(ctx, [&] { return server.deletes() == 1; }));
}

TEST_F(HttpsUpstreamTest, UnknownCertificateIsRejectedByDefault) {
  HttpUpstreamOptions o;
  o.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/mcp";
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  const std::string error = start_error(ctx, *s);  // self-signed, no CA file given
  EXPECT_NE(error.find("certificate"), std::string::npos) << error;
}

TEST_F(HttpsUpstreamTest, WrongHostNameIsRejected) {
  HttpUpstreamOptions o;
  // The certificate names only 127.0.0.1; "localhost" reaches the same server.
  o.url = "https://localhost:" + std::to_string(server.port()) + "/mcp";
  o.ca_file = ca_file.string();
  o.connect_timeout = std::chrono::milliseconds(2000);
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  const std::string error = start_error(ctx, *s);  // certificate for another name
  EXPECT_NE(error.find("certificate"), std::string::npos) << error;
}

TEST_F(HttpsUpstreamTest, InsecureSkipsVerification) {
  HttpUpstreamOptions o;
  o.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/mcp";
  o.tls_insecure = true;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  EXPECT_TRUE(s->usable());
  run_co(ctx, s->shutdown());
}
