// TLS on the downstream listener (--tls-cert/--tls-key/--tls-client-ca):
// the server's OpenSSL context built from PEM files, and the holder that a
// SIGHUP reloads.
//
// Defaults are fixed, not options: TLS 1.2 minimum (no SSLv3, TLS 1.0/1.1),
// forward-secret AEAD cipher suites for TLS 1.2 in the server's order, no
// compression, no renegotiation. With a client CA, every client must present
// a certificate that chains to it (mTLS); without one, none is requested.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/ssl/context.hpp>

namespace mcp::downstream {

struct TlsFiles {
  std::string cert_file;       // PEM: the server certificate, then any intermediates
  std::string key_file;        // PEM: its private key (unencrypted)
  std::string client_ca_file;  // PEM: CAs client certificates must chain to; empty: no client certificates
};

// A new server context from the files, or a message naming the file (and the
// option) that could not be used. Reads the files; never throws.
std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string> make_server_tls_context(const TlsFiles& files);

// The context new connections use. Each connection keeps the shared_ptr it
// started with, so a reload never touches a connection in progress.
// Thread-safe.
class TlsContextSource {
 public:
  // Loads the files once (startup); the error names the file.
  static std::variant<std::shared_ptr<TlsContextSource>, std::string> load(TlsFiles files);

  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Reads the same paths again into a new context and makes it current. On
  // failure the current context stays and the error is returned.
  std::optional<std::string> reload();
  const TlsFiles& files() const { return files_; }

 private:
  TlsContextSource(TlsFiles files, std::shared_ptr<boost::asio::ssl::context> first)
      : files_(std::move(files)), current_(std::move(first)) {}

  const TlsFiles files_;
  mutable std::mutex mutex_;  // guards current_
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace mcp::downstream
