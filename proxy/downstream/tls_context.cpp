#include "downstream/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <spdlog/spdlog.h>

namespace mcp::downstream {
namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only. TLS 1.3 keeps
// OpenSSL's defaults (all of them AEAD with forward secrecy).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Needed for session resumption once client certificates are verified
// (OpenSSL refuses to resume a session without it).
constexpr unsigned char kSessionIdContext[] = "mcp-bridge";

std::string problem(const std::string& option, const std::string& file, const boost::system::error_code& ec) {
  return option + " " + file + ": " + ec.message();
}

std::string openssl_error() {
  unsigned long e = ::ERR_get_error();
  ::ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char text[256];
  ::ERR_error_string_n(e, text, sizeof text);
  return text;
}

}  // namespace

std::variant<std::shared_ptr<ssl::context>, std::string> make_server_tls_context(const TlsFiles& files) {
  try {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                     ssl::context::single_dh_use);
    ::SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    if (::SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        ::SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
      return "TLS setup: " + openssl_error();
    ::ERR_clear_error();

    boost::system::error_code ec;
    ctx->use_certificate_chain_file(files.cert_file, ec);
    if (ec) return problem("--tls-cert", files.cert_file, ec);
    const std::string mismatch =
        "--tls-key " + files.key_file + " does not belong to the certificate in --tls-cert " + files.cert_file;
    ctx->use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) return mismatch;
    if (ec) return problem("--tls-key", files.key_file, ec);
    if (::SSL_CTX_check_private_key(native) != 1) return mismatch;

    if (!files.client_ca_file.empty()) {
      ctx->load_verify_file(files.client_ca_file, ec);
      if (ec) return problem("--tls-client-ca", files.client_ca_file, ec);
      // The CA names sent in the CertificateRequest, so clients pick the right certificate.
      STACK_OF(X509_NAME)* names = ::SSL_load_client_CA_file(files.client_ca_file.c_str());
      if (!names) return "--tls-client-ca " + files.client_ca_file + ": " + openssl_error();
      ::SSL_CTX_set_client_CA_list(native, names);
      ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      ::SSL_CTX_set_session_id_context(native, kSessionIdContext, sizeof kSessionIdContext - 1);
    } else {
      ctx->set_verify_mode(ssl::verify_none);
    }
    ::ERR_clear_error();
    return ctx;
  } catch (const std::exception& e) {  // ssl::context's constructor throws when OpenSSL cannot make one
    return std::string("TLS setup: ") + e.what();
  }
}

std::variant<std::shared_ptr<TlsContextSource>, std::string> TlsContextSource::load(TlsFiles files) {
  auto first = make_server_tls_context(files);
  if (auto* error = std::get_if<std::string>(&first)) return *error;
  return std::shared_ptr<TlsContextSource>(
      new TlsContextSource(std::move(files), std::get<std::shared_ptr<ssl::context>>(std::move(first))));
}

std::shared_ptr<ssl::context> TlsContextSource::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::optional<std::string> TlsContextSource::reload() {
  auto fresh = make_server_tls_context(files_);  // outside the lock: reads files
  if (auto* error = std::get_if<std::string>(&fresh)) return *error;
  std::lock_guard lock(mutex_);
  current_ = std::get<std::shared_ptr<ssl::context>>(std::move(fresh));
  return std::nullopt;
}

}  // namespace mcp::downstream
