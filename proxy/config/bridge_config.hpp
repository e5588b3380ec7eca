// Everything an operator can configure, as a plain struct. Filled by
// parse_command_line() (command_line.hpp); main.cpp maps it onto the options
// structs of the downstream, bridge, pool and upstream libraries.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcp::config {

enum class LogFormat { Text, Json };

struct CacheOverride {
  std::int64_t ttl_ms = 0;
  std::optional<std::string> scope;  // "public" / "private"; unset: the default scope
};

struct BridgeConfig {
  // --- downstream (what 2026-07-28 clients talk to)
  bool stdio = false;                   // --stdio: serve on our own stdin/stdout instead of HTTP
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;     // 0 = an ephemeral port (logged at start)
  std::vector<std::string> allowed_hosts;    // extra Host names accepted (loopback + listen host always)
  std::vector<std::string> allowed_origins;  // extra Origins accepted, e.g. https://app.example.com
  std::string public_url;  // --public-url: canonical URL (RFC 8707); empty: http://<bound address>/mcp
  // HTTPS on the listener (downstream/tls_context.hpp): both PEM files or neither
  std::string tls_cert_file;       // --tls-cert
  std::string tls_key_file;        // --tls-key
  std::string tls_client_ca_file;  // --tls-client-ca: require client certificates signed by these CAs (mTLS)

  // --- upstream (the legacy 2025-11-25 server); exactly one of url / command
  std::string upstream_url;                    // --upstream http(s)://...
  std::vector<std::string> upstream_command;   // after `--`; or the bundled sample
  bool upstream_is_default_sample = false;     // command was filled in by default
  std::map<std::string, std::string> upstream_headers;  // --upstream-header 'Name: value'
  std::string upstream_ca_file;
  bool upstream_insecure = false;
  // The bridge's own access token toward an OAuth-protected HTTP upstream:
  // the client-credentials grant at the upstream's authorization server
  // (auth/upstream_token_source.hpp), instead of a static Authorization header.
  std::string upstream_token_url;    // --upstream-token-url: the token endpoint
  std::string upstream_client_id;    // --upstream-client-id (client_secret_basic)
  std::string upstream_client_secret_env = "MCP_BRIDGE_UPSTREAM_CLIENT_SECRET";  // the secret, never on argv
  std::string upstream_client_secret_file;  // --upstream-client-secret-file: wins over the variable
  std::vector<std::string> upstream_scopes;  // --upstream-scope: `scope` of the token request
  std::map<std::string, std::string> child_env;  // --env KEY=VAL
  std::string child_cwd;

  // --- authorization (proxy/auth/): who is the protected resource
  //   Passthrough (default): the upstream; its 401/403 and metadata reach the
  //     client through the bridge, the client's token is forwarded.
  //   ResourceServer: the bridge; it serves its own metadata, validates every
  //     token (JWT against --auth-jwks-url or the issuer's discovered jwks_uri)
  //     and never forwards it upstream.
  enum class AuthMode { Passthrough, ResourceServer };
  AuthMode auth_mode = AuthMode::Passthrough;
  std::vector<std::string> auth_issuers;   // --auth-issuer URL (repeatable): accepted `iss`, advertised AS
  std::string auth_jwks_url;               // --auth-jwks-url: the issuer's signing keys (RFC 7517 JWK Set)
  // No --auth-jwks-url nor --auth-introspection-url: each issuer's jwks_uri
  // comes from its authorization server metadata (auth/jwks_discovery.hpp).
  bool auth_jwks_discovery() const { return auth_jwks_url.empty() && auth_introspection_url.empty(); }
  std::string auth_audience;               // --auth-audience; empty: the canonical public URL (RFC 8707)
  std::vector<std::string> auth_scopes_supported;  // --auth-scopes: scopes_supported of the metadata
  std::vector<std::string> auth_required_scopes;   // --auth-require-scope SCOPE: every request needs these
  // --auth-require-scope OPERATION=SCOPE...: OPERATION is a method ("tools/list")
  // or METHOD:NAME for a named one ("tools/call:delete_file", "prompts/get:NAME").
  std::map<std::string, std::vector<std::string>> auth_operation_scopes;
  std::string auth_introspection_url;       // --auth-introspection-url: RFC 7662 endpoint for opaque tokens
  std::string auth_introspection_client_id;  // --auth-introspection-client-id (client_secret_basic)
  std::string auth_introspection_secret_env = "MCP_BRIDGE_INTROSPECTION_SECRET";  // the secret, never on argv
  std::string auth_ca_file;                // --auth-ca-file: extra CAs for https JWKS / introspection URLs
  std::chrono::seconds auth_clock_skew{60};  // --auth-clock-skew-s: leeway on exp/nbf

  // --- runtime
  unsigned threads = 0;  // 0 = all cores (std::thread::hardware_concurrency)

  // --- limits
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  std::size_t max_stdio_line_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds request_read_timeout{30'000};  // headers + body of one request
  std::chrono::milliseconds idle_timeout{60'000};          // keep-alive connection without a request
  std::chrono::milliseconds upstream_timeout{300'000};     // one upstream call
  std::chrono::milliseconds drain_timeout{30'000};         // graceful shutdown bound

  // --- pool
  std::size_t max_sessions = 64;
  std::chrono::milliseconds session_idle_timeout{300'000};

  // --- cache hints on cacheable results
  std::int64_t cache_ttl_ms = 0;
  std::string cache_scope = "private";
  std::map<std::string, CacheOverride> cache_overrides;  // method -> hint

  // --- multi round-trip requests (MRTR): server-to-client requests of a legacy
  // upstream become InputRequiredResults (bridge/mrtr.hpp)
  std::string state_key_file;                          // --state-key-file: ID:BASE64SECRET entries
  std::string state_key_env = "MCP_BRIDGE_STATE_KEYS";  // read when no file is given
  std::chrono::milliseconds input_gather_window{100};    // --input-gather-ms
  std::chrono::milliseconds input_exchange_timeout{300'000};  // --input-timeout-ms
  std::size_t max_input_exchanges = 1024;               // --max-input-exchanges
  std::vector<std::string> roots;                       // --root DIR (repeatable)
  // Across replicas (bridge/mrtr_forward.hpp, bridge/mrtr_replay.hpp)
  std::string mrtr_strategy = "park";                   // --mrtr-strategy park|replay
  std::vector<std::string> replay_tools;                // --replay-tool NAME (repeatable)
  std::string advertise_url;                            // --advertise-url; empty: http://<bound address>
  std::chrono::milliseconds peer_connect_timeout{3'000};  // --peer-connect-timeout-ms

  // --- observability (observe/)
  std::string metrics_host;         // --metrics-listen HOST:PORT; empty: no /metrics endpoint
  std::uint16_t metrics_port = 0;   // 0 = an ephemeral port (logged at start)
  std::string access_log;           // --access-log PATH, or "-" for stdout; empty: off

  // --- logging
  std::string log_level = "info";
  LogFormat log_format = LogFormat::Text;
};

// The bundled sample server `mcp-legacy-sample --stdio`, searched next to the
// executable and in ../samples/ (build tree: build/proxy/mcp-bridge and
// build/samples/mcp-legacy-sample). Empty when not found.
std::vector<std::string> default_sample_command(const std::filesystem::path& executable);

// Path of the running executable (/proc/self/exe), or argv0 when unavailable.
std::filesystem::path current_executable(const char* argv0);

}  // namespace mcp::config
