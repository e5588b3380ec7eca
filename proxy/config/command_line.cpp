#include "config/command_line.hpp"
#include "auth/authorization_server_metadata.hpp"
#include "auth/resource_metadata.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>

namespace mcp::config {
namespace {

constexpr const char* kUsageForms = R"(
Usage forms:
  mcp-bridge --listen 127.0.0.1:8080 --upstream http://127.0.0.1:3001/mcp   # legacy Streamable HTTP server
  mcp-bridge --listen 127.0.0.1:8080 -- npx -y some-legacy-server            # legacy stdio server, spawned as a child
  mcp-bridge --stdio -- ./legacy-server --flag                               # the bridge itself speaks 2026-07-28 on stdio
Without --upstream or `-- COMMAND`, the bundled sample `mcp-legacy-sample --stdio` (next to this
executable or in ../samples/) is started as the upstream.
The 2026-07-28 endpoint is http://HOST:PORT/mcp; GET /healthz answers 200 once the upstream is reachable.
Everything after `--` is the child's command line, passed on verbatim.
Logs go to stderr; in --stdio mode stdout carries only MCP messages.
)";

constexpr std::array<const char*, 6> kCacheableMethods{"server/discover",          "tools/list",     "prompts/list",
                                                       "resources/list", "resources/templates/list", "resources/read"};

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// HOST:PORT, [IPv6]:PORT; "localhost" means 127.0.0.1. `option` names the
// option in errors (--listen, --metrics-listen).
std::pair<std::string, std::uint16_t> parse_host_port(const std::string& text, const std::string& option) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw CLI::ValidationError(option, "expected [IPv6]:PORT, got '" + text + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw CLI::ValidationError(option, "expected HOST:PORT, got '" + text + "'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  if (!is_ip_literal(host))
    throw CLI::ValidationError(option, "host must be an IP address or localhost, got '" + host + "'");
  unsigned long value = 0;
  try {
    std::size_t used = 0;
    value = std::stoul(port, &used);
    if (used != port.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw CLI::ValidationError(option, "port must be a number 0-65535, got '" + port + "'");
  }
  if (value > 65535) throw CLI::ValidationError(option, "port must be 0-65535, got " + port);
  return {host, static_cast<std::uint16_t>(value)};
}

std::pair<std::string, std::string> split_key_value(const std::string& text, char sep, const std::string& option) {
  auto pos = text.find(sep);
  if (pos == std::string::npos || pos == 0)
    throw CLI::ValidationError(option, std::string("expected KEY") + sep + "VALUE, got '" + text + "'");
  return {text.substr(0, pos), text.substr(pos + 1)};
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return c != ' ' && c != '\t'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

void check_scope(const std::string& scope, const std::string& option) {
  if (scope != "public" && scope != "private")
    throw CLI::ValidationError(option, "scope must be 'public' or 'private', got '" + scope + "'");
}

// METHOD=TTL[:SCOPE]
void parse_cache_override(const std::string& text, BridgeConfig& cfg) {
  auto [method, rest] = split_key_value(text, '=', "--cache-override");
  if (std::find(kCacheableMethods.begin(), kCacheableMethods.end(), method) == kCacheableMethods.end())
    throw CLI::ValidationError("--cache-override", "'" + method +
                                                       "' is not a cacheable method (server/discover, tools/list, "
                                                       "prompts/list, resources/list, resources/templates/list, "
                                                       "resources/read)");
  CacheOverride o;
  std::string ttl = rest;
  if (auto colon = rest.find(':'); colon != std::string::npos) {
    ttl = rest.substr(0, colon);
    o.scope = rest.substr(colon + 1);
    check_scope(*o.scope, "--cache-override");
  }
  try {
    std::size_t used = 0;
    long long v = std::stoll(ttl, &used);
    if (used != ttl.size() || v < 0) throw std::invalid_argument("bad");
    o.ttl_ms = v;
  } catch (const std::exception&) {
    throw CLI::ValidationError("--cache-override", "TTL must be a whole number of milliseconds >= 0, got '" + ttl + "'");
  }
  cfg.cache_overrides[method] = o;
}

// An issuer, JWKS or audience URL: absolute http(s), no fragment.
void check_url_option(const std::string& url, const std::string& option) {
  if (auto problem = auth::check_public_url(url))
    throw CLI::ValidationError(option, *problem + ", got '" + url + "'");
}

void parse_required_scope(const std::string& text, BridgeConfig& cfg);
std::vector<std::string> parse_scopes(const std::string& text, const std::string& option);

// The Authorization group: resource-server needs issuers and keys; its options
// mean nothing in passthrough mode, so giving them there is an error.
void check_authorization(const std::string& mode, const std::vector<std::string>& scopes,
                         const std::vector<std::string>& required, std::uint64_t skew, BridgeConfig& cfg) {
  const bool any_rs_option = !cfg.auth_issuers.empty() || !cfg.auth_jwks_url.empty() || !cfg.auth_audience.empty() ||
                             !scopes.empty() || !required.empty() || !cfg.auth_ca_file.empty() ||
                             !cfg.auth_introspection_url.empty() || !cfg.auth_introspection_client_id.empty();
  if (mode != "resource-server") {
    if (any_rs_option)
      throw CLI::ValidationError("--auth-*", "--auth-issuer, --auth-jwks-url, --auth-audience, --auth-scopes, "
                                             "--auth-require-scope, --auth-introspection-* and --auth-ca-file only "
                                             "apply to --auth-mode resource-server");
    return;
  }
  cfg.auth_mode = BridgeConfig::AuthMode::ResourceServer;
  if (cfg.stdio)
    throw CLI::ValidationError("--auth-mode", "resource-server needs the HTTP listener (OAuth is an HTTP "
                                              "mechanism; a --stdio client takes credentials from its environment)");
  if (cfg.auth_issuers.empty())
    throw CLI::ValidationError("--auth-issuer", "--auth-mode resource-server needs at least one --auth-issuer");
  for (const auto& issuer : cfg.auth_issuers) check_url_option(issuer, "--auth-issuer");
  // JWT keys: --auth-jwks-url, else (without introspection) each issuer's
  // jwks_uri from its metadata, which needs an issuer the well-known URLs can
  // be built from (RFC 8414 §2).
  if (cfg.auth_jwks_discovery())
    for (const auto& issuer : cfg.auth_issuers)
      if (auth::authorization_server_metadata_urls(issuer).empty())
        throw CLI::ValidationError("--auth-issuer", "an issuer identifier has no query or fragment (RFC 8414 §2), "
                                                    "got '" + issuer + "'");
  if (!cfg.auth_jwks_url.empty()) check_url_option(cfg.auth_jwks_url, "--auth-jwks-url");
  if (!cfg.auth_introspection_url.empty()) {
    check_url_option(cfg.auth_introspection_url, "--auth-introspection-url");
    if (cfg.auth_introspection_client_id.empty())
      throw CLI::ValidationError("--auth-introspection-client-id", "--auth-introspection-url needs the bridge's "
                                                                   "client_id at the authorization server");
  } else if (!cfg.auth_introspection_client_id.empty()) {
    throw CLI::ValidationError("--auth-introspection-client-id", "only applies with --auth-introspection-url");
  }
  if (!cfg.auth_audience.empty()) check_url_option(cfg.auth_audience, "--auth-audience");
  for (const auto& s : scopes)
    for (auto& scope : parse_scopes(s, "--auth-scopes"))
      if (std::find(cfg.auth_scopes_supported.begin(), cfg.auth_scopes_supported.end(), scope) ==
          cfg.auth_scopes_supported.end())
        cfg.auth_scopes_supported.push_back(std::move(scope));
  for (const auto& r : required) parse_required_scope(r, cfg);
  // authorization/index.mdx "Refresh Tokens": refresh tokens are not a resource requirement.
  if (std::find(cfg.auth_scopes_supported.begin(), cfg.auth_scopes_supported.end(), "offline_access") !=
      cfg.auth_scopes_supported.end())
    throw CLI::ValidationError("--auth-scopes", "offline_access is not a resource's scope: a protected resource "
                                                "does not advertise it (refresh tokens are the client's business)");
  cfg.auth_clock_skew = std::chrono::seconds(skew);
}

// Scope tokens of one option value, separated by spaces or commas; each must
// be an RFC 6749 §3.3 scope-token (no quote, backslash, space or control).
std::vector<std::string> parse_scopes(const std::string& text, const std::string& option) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && std::find(out.begin(), out.end(), current) == out.end()) out.push_back(current);
    current.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == ',' || c == '\t') {
      flush();
    } else if (u < 0x21 || u > 0x7e || c == '"' || c == '\\') {
      throw CLI::ValidationError(option, "'" + text + "' is not a list of OAuth scopes (RFC 6749 §3.3)");
    } else {
      current += c;
    }
  }
  flush();
  if (out.empty()) throw CLI::ValidationError(option, "names no scope");
  return out;
}

// --auth-require-scope: SCOPE... (every request) or OPERATION=SCOPE...
// (METHOD, or METHOD:NAME for tools/call, prompts/get and other named calls).
void parse_required_scope(const std::string& text, BridgeConfig& cfg) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    for (auto& scope : parse_scopes(text, "--auth-require-scope"))
      if (std::find(cfg.auth_required_scopes.begin(), cfg.auth_required_scopes.end(), scope) ==
          cfg.auth_required_scopes.end())
        cfg.auth_required_scopes.push_back(std::move(scope));
    return;
  }
  const std::string operation = trim(text.substr(0, eq));
  const auto slash = operation.find('/');
  const auto colon = operation.find(':');
  if (operation.empty() || slash == std::string::npos || slash == 0 || colon == 0 || colon == operation.size() - 1 ||
      (colon != std::string::npos && colon < slash))
    throw CLI::ValidationError("--auth-require-scope", "expected METHOD=SCOPE or METHOD:NAME=SCOPE (e.g. "
                                                       "tools/call:delete_file=files:write), got '" + text + "'");
  auto& scopes = cfg.auth_operation_scopes[operation];
  for (auto& scope : parse_scopes(text.substr(eq + 1), "--auth-require-scope"))
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(std::move(scope));
}

// --upstream-token-url and its companions: the bridge's own OAuth client
// toward the upstream's authorization server (auth/upstream_token_source.hpp).
// `given`: whether any companion option was given at all.
void check_upstream_credentials(const std::vector<std::string>& scopes, bool given, BridgeConfig& cfg) {
  if (cfg.upstream_token_url.empty()) {
    if (given)
      throw CLI::ValidationError("--upstream-client-*", "--upstream-client-id, --upstream-client-secret-env, "
                                                        "--upstream-client-secret-file and --upstream-scope only "
                                                        "apply with --upstream-token-url");
    return;
  }
  if (cfg.upstream_url.empty())
    throw CLI::ValidationError("--upstream-token-url", "needs an HTTP upstream (--upstream URL): a stdio child "
                                                       "takes no bearer token");
  check_url_option(cfg.upstream_token_url, "--upstream-token-url");
  if (!auth::https_or_loopback(cfg.upstream_token_url))
    throw CLI::ValidationError("--upstream-token-url", "must be https (http only on a loopback host: the request "
                                                       "carries the client secret), got '" +
                                                           cfg.upstream_token_url + "'");
  if (cfg.upstream_client_id.empty())
    throw CLI::ValidationError("--upstream-client-id", "--upstream-token-url needs the bridge's client_id at the "
                                                       "upstream's authorization server");
  for (const auto& [name, value] : cfg.upstream_headers)
    if (CLI::detail::to_lower(name) == "authorization")
      throw CLI::ValidationError("--upstream-header", "an 'Authorization' --upstream-header and "
                                                      "--upstream-token-url exclude each other: the bridge's upstream "
                                                      "credential is either static or the token it obtains");
  for (const auto& s : scopes)
    for (auto& scope : parse_scopes(s, "--upstream-scope"))
      if (std::find(cfg.upstream_scopes.begin(), cfg.upstream_scopes.end(), scope) == cfg.upstream_scopes.end())
        cfg.upstream_scopes.push_back(std::move(scope));
}

// --tls-*: a certificate and its key together, for the HTTP listener. The
// files' contents are checked when main.cpp loads them (before listening).
void check_tls(const BridgeConfig& cfg) {
  const bool cert = !cfg.tls_cert_file.empty(), key = !cfg.tls_key_file.empty();
  if (cert != key)
    throw CLI::ValidationError(cert ? "--tls-key" : "--tls-cert",
                               "--tls-cert and --tls-key go together: give both (HTTPS) or neither (HTTP)");
  if (!cfg.tls_client_ca_file.empty() && !cert)
    throw CLI::ValidationError("--tls-client-ca", "needs --tls-cert and --tls-key (client certificates are a TLS "
                                                  "feature)");
  if (cfg.stdio && (cert || !cfg.tls_client_ca_file.empty()))
    throw CLI::ValidationError("--tls-cert", "does not apply to --stdio (no HTTP listener)");
}

}  // namespace

ParseResult parse_command_line(int argc, const char* const argv[], const std::filesystem::path& executable) {
  BridgeConfig cfg;

  // Split at the first `--`: what follows is the child's command, verbatim.
  // (Done before CLI11 so flags like `--flag` after `--` can never be taken
  // for our own options, whatever the CLI11 version.)
  std::vector<const char*> ours;
  std::vector<std::string> child;
  bool after_separator = false;
  for (int i = 0; i < argc; ++i) {
    if (after_separator) {
      child.emplace_back(argv[i]);
    } else if (i > 0 && std::string_view(argv[i]) == "--") {
      after_separator = true;
    } else {
      ours.push_back(argv[i]);
    }
  }
  if (after_separator && child.empty()) return ParseExit{2, "error: `--` must be followed by the legacy server's command\n"};

  CLI::App app{"mcp-bridge: serves 2026-07-28 (stateless) MCP clients from a 2025-11-25 (session-based) MCP server."};
  app.footer(kUsageForms);
  app.get_formatter()->column_width(40);
  app.set_config("--config", "", "Read options from this TOML or INI file; keys are the long option names "
                                 "(e.g. listen = \"127.0.0.1:9000\", max-body-bytes = 1048576); the command line wins")
      ->type_name("FILE");

  std::string listen, metrics_listen, cache_scope = cfg.cache_scope, log_format = "text";
  std::vector<std::string> headers, envs, overrides;
  std::uint64_t request_timeout = cfg.request_read_timeout.count(), idle_timeout = cfg.idle_timeout.count(),
                upstream_timeout = cfg.upstream_timeout.count(), drain_timeout = cfg.drain_timeout.count(),
                session_idle = cfg.session_idle_timeout.count();

  // Downstream
  app.add_option("--listen", listen, "HTTP address for 2026-07-28 clients, HOST:PORT or [IPv6]:PORT; port 0 picks a "
                                     "free port [default: 127.0.0.1:8080]")
      ->group("Downstream");
  app.add_flag("--stdio", cfg.stdio, "Serve 2026-07-28 as newline-delimited JSON-RPC on this process's stdin/stdout "
                                     "instead of HTTP (cancellation by notifications/cancelled)")
      ->group("Downstream");
  app.add_option("--allowed-host", cfg.allowed_hosts,
                 "Extra Host header name accepted (repeatable); localhost, 127.0.0.1, [::1] and the --listen host "
                 "are always accepted; '*' disables the Host check (only behind a trusted proxy)")
      ->group("Downstream");
  app.add_option("--allowed-origin", cfg.allowed_origins,
                 "Extra browser Origin accepted, e.g. https://app.example.com (repeatable); origins on an accepted "
                 "host are accepted; others get 403 (DNS-rebinding protection)")
      ->group("Downstream");

  app.add_option("--public-url", cfg.public_url,
                 "This bridge's canonical URL as clients reach it, e.g. https://mcp.example.com/mcp (behind a "
                 "proxy or load balancer). In front of an OAuth-protected --upstream (passthrough authorization), "
                 "the upstream's 401/403 reach the client with resource_metadata pointing at this URL's "
                 "/.well-known/oauth-protected-resource/mcp, where the bridge serves the upstream's metadata with "
                 "`resource` = this URL (RFC 9728), so clients request tokens for it (RFC 8707). Default: "
                 "http://HOST:PORT/mcp from the bound --listen address")
      ->group("Downstream");

  app.add_option("--tls-cert", cfg.tls_cert_file,
                 "Serve HTTPS: PEM file with the listener's certificate, then any intermediates (needs --tls-key). "
                 "TLS 1.2 or later only, forward-secret AEAD ciphers in the server's order, no compression or "
                 "renegotiation. Read at startup (a bad file stops the bridge with exit code 2) and again on SIGHUP "
                 "(new connections get the new certificate; a file that fails to load keeps the old one)")
      ->type_name("PATH")
      ->check(CLI::ExistingFile)
      ->group("Downstream");
  app.add_option("--tls-key", cfg.tls_key_file, "PEM file with the private key of --tls-cert (unencrypted)")
      ->type_name("PATH")
      ->check(CLI::ExistingFile)
      ->group("Downstream");
  app.add_option("--tls-client-ca", cfg.tls_client_ca_file,
                 "Mutual TLS: PEM file of CA certificates; every client must present a certificate signed by one of "
                 "them, or the handshake fails. Without it no client certificate is requested. Reloaded on SIGHUP")
      ->type_name("PATH")
      ->check(CLI::ExistingFile)
      ->group("Downstream");

  // Upstream
  app.add_option("--upstream", cfg.upstream_url, "Legacy Streamable HTTP server URL (http:// or https://)")
      ->group("Upstream");
  app.add_option("--upstream-header", headers, "Extra header sent on every upstream HTTP request, 'Name: value' "
                                               "(repeatable); with --auth-mode resource-server, 'Authorization: ...' "
                                               "here is the bridge's own upstream credential (the only one it sends; "
                                               "or see --upstream-token-url)")
      ->group("Upstream");
  app.add_option("--upstream-ca-file", cfg.upstream_ca_file, "PEM file of extra CA certificates for https upstreams")
      ->check(CLI::ExistingFile)
      ->group("Upstream");
  app.add_flag("--upstream-insecure", cfg.upstream_insecure,
               "Do not verify the https upstream's certificate (testing only)")
      ->group("Upstream");
  std::vector<std::string> upstream_scopes;
  app.add_option("--upstream-token-url", cfg.upstream_token_url,
                 "The upstream's OAuth authorization server token endpoint: the bridge obtains its own access token "
                 "there with the client-credentials grant (client_secret_basic, `resource` = the --upstream URL, "
                 "RFC 8707) and sends it as 'Authorization: Bearer' on every upstream request a client's own token "
                 "does not replace (the health probe's too); refreshed before it expires (when less than "
                 "min(60 s, 10% of its lifetime) remains), fetched again after an upstream 401 (that request is "
                 "retried once), failed fetches retried with backoff (1 s to 60 s; clients get 502 meanwhile). "
                 "https, or http on a loopback host")
      ->type_name("URL")
      ->group("Upstream");
  auto* client_id_opt = app.add_option("--upstream-client-id", cfg.upstream_client_id,
                                       "The bridge's client_id at --upstream-token-url; the secret is read from the "
                                       "file --upstream-client-secret-file or the variable "
                                       "--upstream-client-secret-env, never the command line")
                            ->group("Upstream");
  auto* secret_env_opt = app.add_option("--upstream-client-secret-env", cfg.upstream_client_secret_env,
                                        "Environment variable holding the client secret of --upstream-client-id")
                             ->capture_default_str()
                             ->group("Upstream");
  auto* secret_file_opt = app.add_option("--upstream-client-secret-file", cfg.upstream_client_secret_file,
                                         "File holding the client secret (one line; wins over the variable)")
                              ->type_name("PATH")
                              ->check(CLI::ExistingFile)
                              ->group("Upstream");
  auto* scope_opt = app.add_option("--upstream-scope", upstream_scopes,
                                   "Scopes the bridge asks --upstream-token-url for, space- or comma-separated "
                                   "(repeatable) [default: none, the server's default]")
                        ->group("Upstream");
  app.add_option("--env", envs, "KEY=VALUE added to the stdio child's environment (repeatable)")->group("Upstream");
  app.add_option("--cwd", cfg.child_cwd, "Working directory of the stdio child [default: ours]")
      ->check(CLI::ExistingDirectory)
      ->group("Upstream");

  // Authorization
  std::string auth_mode = "passthrough";
  std::vector<std::string> auth_scopes, auth_requires;
  std::uint64_t auth_skew = static_cast<std::uint64_t>(cfg.auth_clock_skew.count());
  app.add_option("--auth-mode", auth_mode,
                 "Who is the OAuth protected resource. passthrough: the upstream; its 401/403 and metadata reach "
                 "the client through the bridge and the client's token is forwarded (a transparent front). "
                 "resource-server: the bridge; it serves its own Protected Resource Metadata (RFC 9728) for "
                 "--public-url, validates every access token itself (JWT signature against --auth-jwks-url or the "
                 "issuer's discovered jwks_uri, iss, "
                 "aud = --auth-audience, exp/nbf, scopes) before anything reaches the upstream, answers 401/403 "
                 "with a WWW-Authenticate challenge, keys upstream sessions by the validated principal, and never "
                 "sends the client's token upstream (--upstream-header or --upstream-token-url is the upstream "
                 "credential)")
      ->capture_default_str()
      ->check(CLI::IsMember({"passthrough", "resource-server"}))
      ->group("Authorization");
  app.add_option("--auth-issuer", cfg.auth_issuers,
                 "resource-server: an authorization server's issuer identifier, e.g. https://auth.example.com "
                 "(repeatable): listed in the metadata's authorization_servers, and the only accepted `iss` values")
      ->type_name("URL")
      ->group("Authorization");
  app.add_option("--auth-jwks-url", cfg.auth_jwks_url,
                 "resource-server: the issuers' JWK Set (the jwks_uri of their metadata); fetched on first use, "
                 "cached, fetched again on an unknown `kid` (at most every 30 s) and every 10 minutes. Without it "
                 "(and without --auth-introspection-url) each --auth-issuer's jwks_uri is discovered from its "
                 "authorization server metadata on the first token (RFC 8414 / OpenID Connect Discovery well-known "
                 "URLs in the MCP spec's order; the document's issuer must equal the --auth-issuer; jwks_uri https, "
                 "or http on loopback); until it is found, tokens get 503 and discovery is retried at most every 30 s")
      ->type_name("URL")
      ->group("Authorization");
  app.add_option("--auth-audience", cfg.auth_audience,
                 "resource-server: the audience a token must carry in `aud` (RFC 8707) [default: the canonical "
                 "--public-url]")
      ->type_name("URI")
      ->group("Authorization");
  app.add_option("--auth-scopes", auth_scopes,
                 "resource-server: scopes_supported of the metadata, space- or comma-separated (repeatable); also "
                 "the scope of a 401 challenge, with the scopes the request needs")
      ->group("Authorization");
  app.add_option("--auth-require-scope", auth_requires,
                 "resource-server: SCOPE (every request needs it) or OPERATION=SCOPE where OPERATION is a method "
                 "(tools/list) or METHOD:NAME (tools/call:delete_file, prompts/get:NAME); several scopes space- or "
                 "comma-separated; repeatable. A token without them gets 403 insufficient_scope naming them all")
      ->group("Authorization");
  app.add_option("--auth-introspection-url", cfg.auth_introspection_url,
                 "resource-server: the authorization server's token introspection endpoint (RFC 7662); tokens that "
                 "are not JWTs are checked there (answers cached by the token's hash up to 30 s, at most 8 "
                 "requests in flight)")
      ->type_name("URL")
      ->group("Authorization");
  app.add_option("--auth-introspection-client-id", cfg.auth_introspection_client_id,
                 "resource-server: the bridge's client_id at the introspection endpoint (client_secret_basic); the "
                 "secret is read from the environment variable named by --auth-introspection-secret-env")
      ->group("Authorization");
  app.add_option("--auth-introspection-secret-env", cfg.auth_introspection_secret_env,
                 "resource-server: environment variable holding the introspection client secret")
      ->capture_default_str()
      ->group("Authorization");
  app.add_option("--auth-ca-file", cfg.auth_ca_file,
                 "resource-server: PEM file of extra CAs for https JWKS and introspection URLs")
      ->check(CLI::ExistingFile)
      ->group("Authorization");
  app.add_option("--auth-clock-skew-s", auth_skew,
                 "resource-server: leeway on a token's exp and nbf, seconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{600}))
      ->group("Authorization");

  // Runtime and limits
  app.add_option("--threads", cfg.threads, "I/O threads, each with its own event loop and (HTTP) its own listener on the same port "
                 "(SO_REUSEPORT: the kernel spreads new connections over them); a connection stays on one "
                 "thread, with its own upstream connections [default: 0 = all cores]")
      ->check(CLI::Range(0u, 1024u))
      ->group("Limits");
  app.add_option("--max-body-bytes", cfg.max_body_bytes, "Largest request body, bytes; larger gets 413")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30))
      ->group("Limits");
  app.add_option("--max-header-bytes", cfg.max_header_bytes, "Largest request header section, bytes; larger gets 431")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{512}, std::size_t{1} << 20))
      ->group("Limits");
  app.add_option("--max-connections", cfg.max_connections,
                 "Concurrent HTTP connections; more get 503 and are closed")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->group("Limits");
  app.add_option("--max-stdio-line-bytes", cfg.max_stdio_line_bytes,
                 "Largest message line in --stdio mode, bytes; longer lines get a -32700 error and are skipped")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->group("Limits");
  app.add_option("--request-timeout-ms", request_timeout,
                 "Time allowed to receive one request's headers and body, milliseconds; slower gets 408")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86'400'000}))
      ->group("Limits");
  app.add_option("--idle-timeout-ms", idle_timeout,
                 "Keep-alive connection closed after this long without a request, milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86'400'000}))
      ->group("Limits");
  app.add_option("--upstream-timeout-ms", upstream_timeout,
                 "Bound on one upstream call, milliseconds; on expiry it is cancelled upstream and the client gets "
                 "a -32603 error")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86'400'000}))
      ->group("Limits");
  app.add_option("--drain-timeout-ms", drain_timeout,
                 "On SIGINT/SIGTERM: stop accepting, wait up to this long for in-flight requests, milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{3'600'000}))
      ->group("Limits");

  // Pool
  app.add_option("--max-sessions", cfg.max_sessions,
                 "Upstream sessions kept at most (one per authorization context and client capabilities; "
                 "each is a child process for stdio upstreams)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->group("Pool");
  app.add_option("--session-idle-ms", session_idle, "Idle upstream sessions are closed after this long, milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86'400'000}))
      ->group("Pool");

  // Cache hints
  app.add_option("--cache-ttl-ms", cfg.cache_ttl_ms,
                 "ttlMs put on cacheable results (server/discover, the four lists, resources/read), milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40))
      ->group("Cache");
  app.add_option("--cache-scope", cache_scope, "cacheScope put on cacheable results: public or private")
      ->capture_default_str()
      ->check(CLI::IsMember({"public", "private"}))
      ->group("Cache");
  app.add_option("--cache-override", overrides,
                 "Per-method hint METHOD=TTL_MS[:public|private], e.g. tools/list=60000:public (repeatable)")
      ->group("Cache");

  // Multi round-trip requests
  std::uint64_t gather_ms = static_cast<std::uint64_t>(cfg.input_gather_window.count());
  std::uint64_t exchange_ms = static_cast<std::uint64_t>(cfg.input_exchange_timeout.count());
  app.add_option("--state-key-file", cfg.state_key_file,
                 "File of requestState signing keys, one ID:BASE64SECRET per line (secret >= 32 bytes); the first "
                 "signs, all verify, so keys rotate without downtime. Replicas behind one load balancer need the "
                 "same keys. Never logged")
      ->group("Multi round-trip requests");
  app.add_option("--state-key-env", cfg.state_key_env,
                 "Environment variable holding the keys (same format, comma-separated) when no --state-key-file is "
                 "given; unset too: one random key per process (states die with it)")
      ->capture_default_str()
      ->group("Multi round-trip requests");
  app.add_option("--input-gather-ms", gather_ms,
                 "Server-to-client requests the upstream sends within this window after the first one go to the "
                 "client in one InputRequiredResult, milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{10'000}))
      ->group("Multi round-trip requests");
  app.add_option("--input-timeout-ms", exchange_ms,
                 "How long the bridge keeps an upstream call waiting for the client's retry (and how long a "
                 "requestState is valid), milliseconds; then the call is cancelled upstream")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86'400'000}))
      ->group("Multi round-trip requests");
  app.add_option("--max-input-exchanges", cfg.max_input_exchanges,
                 "Upstream calls waiting for a client's retry at most; more get a -32603 error (HTTP 503)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->group("Multi round-trip requests");
  std::uint64_t peer_connect_ms = static_cast<std::uint64_t>(cfg.peer_connect_timeout.count());
  app.add_option("--mrtr-strategy", cfg.mrtr_strategy,
                 "How an upstream call that asks the client for input waits between rounds. park: this replica "
                 "keeps the call open; a retry landing on another replica is forwarded to it (needs replicas that "
                 "reach each other, see --advertise-url). replay: nothing is kept; the requestState carries the "
                 "answers and any replica re-runs the request, answering the upstream from them (only for tools "
                 "that are safe to run again)")
      ->capture_default_str()
      ->check(CLI::IsMember({"park", "replay"}))
      ->group("Multi round-trip requests");
  app.add_option("--replay-tool", cfg.replay_tools,
                 "Tool whose tools/call uses the replay strategy whatever --mrtr-strategy says (repeatable)")
      ->group("Multi round-trip requests");
  app.add_option("--advertise-url", cfg.advertise_url,
                 "This replica's URL as the other replicas reach it, http://HOST:PORT; written into park "
                 "requestStates so retries are forwarded to the owner. Default: http:// and the bound listen "
                 "address (set it when listening on 0.0.0.0 or behind NAT)")
      ->group("Multi round-trip requests");
  app.add_option("--peer-connect-timeout-ms", peer_connect_ms,
                 "Bound on connecting to the replica that owns a parked exchange; an owner that cannot be reached "
                 "makes the exchange lost (-32602, the client starts over), milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{600'000}))
      ->group("Multi round-trip requests");
  app.add_option("--root", cfg.roots,
                 "Directory reported to roots/list requests the upstream sends outside any client request, when "
                 "the client declared roots (repeatable; none by default: then such a roots/list is refused, and the "
                 "server asks within a call, where the client answers)")
      ->check(CLI::ExistingDirectory)
      ->group("Multi round-trip requests");

  // Observability
  app.add_option("--metrics-listen", metrics_listen,
                 "Serve Prometheus metrics at http://HOST:PORT/metrics, a listener of its own (never on the MCP "
                 "address); HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:9464; port 0 picks one (logged) [default: off]")
      ->type_name("HOST:PORT")
      ->group("Observability");
  app.add_option("--access-log", cfg.access_log,
                 "Write one JSON line per request (time, transport, method, tool, outcome, status, duration_ms, "
                 "session, trace_id; never tokens) to this file, appending, or to stdout with '-' (not with "
                 "--stdio); written off the io threads, lines dropped and counted when it falls behind [default: off]")
      ->type_name("PATH|-")
      ->group("Observability");

  // Logging
  app.add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->group("Logging");
  app.add_option("--log-format", log_format, "text, or json (one JSON object per line); always on stderr")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}))
      ->group("Logging");

  try {
    app.parse(static_cast<int>(ours.size()), ours.data());

    if (!listen.empty()) std::tie(cfg.listen_host, cfg.listen_port) = parse_host_port(listen, "--listen");
    if (!metrics_listen.empty())
      std::tie(cfg.metrics_host, cfg.metrics_port) = parse_host_port(metrics_listen, "--metrics-listen");
    if (cfg.access_log == "-" && cfg.stdio)
      throw CLI::ValidationError("--access-log", "'-' (stdout) cannot be used with --stdio: stdout carries MCP messages");
    cfg.cache_scope = cache_scope;
    cfg.log_format = log_format == "json" ? LogFormat::Json : LogFormat::Text;
    cfg.request_read_timeout = std::chrono::milliseconds(request_timeout);
    cfg.idle_timeout = std::chrono::milliseconds(idle_timeout);
    cfg.upstream_timeout = std::chrono::milliseconds(upstream_timeout);
    cfg.drain_timeout = std::chrono::milliseconds(drain_timeout);
    cfg.session_idle_timeout = std::chrono::milliseconds(session_idle);
    cfg.input_gather_window = std::chrono::milliseconds(gather_ms);
    cfg.input_exchange_timeout = std::chrono::milliseconds(exchange_ms);
    cfg.peer_connect_timeout = std::chrono::milliseconds(peer_connect_ms);
    if (!cfg.advertise_url.empty() && cfg.advertise_url.rfind("http://", 0) != 0)
      throw CLI::ValidationError("--advertise-url", "must be an http:// URL, got '" + cfg.advertise_url + "'");
    while (!cfg.advertise_url.empty() && cfg.advertise_url.back() == '/') cfg.advertise_url.pop_back();
    if (!cfg.public_url.empty()) {
      if (auto problem = auth::check_public_url(cfg.public_url))
        throw CLI::ValidationError("--public-url", *problem + ", got '" + cfg.public_url + "'");
      if (cfg.stdio) throw CLI::ValidationError("--public-url", "does not apply to --stdio (no HTTP listener)");
    }
    for (const auto& h : headers) {
      auto [name, value] = split_key_value(h, ':', "--upstream-header");
      cfg.upstream_headers[trim(name)] = trim(value);
    }
    for (const auto& e : envs) {
      auto [key, value] = split_key_value(e, '=', "--env");
      cfg.child_env[key] = value;
    }
    for (const auto& o : overrides) parse_cache_override(o, cfg);

    if (!cfg.upstream_url.empty()) {
      if (!child.empty())
        throw CLI::ValidationError("--upstream", "give either --upstream URL or `-- COMMAND ARGS...`, not both");
      if (cfg.upstream_url.rfind("http://", 0) != 0 && cfg.upstream_url.rfind("https://", 0) != 0)
        throw CLI::ValidationError("--upstream", "URL must start with http:// or https://, got '" +
                                                     cfg.upstream_url + "'");
      if (!envs.empty() || !cfg.child_cwd.empty())
        throw CLI::ValidationError("--env/--cwd", "only apply to a stdio child (`-- COMMAND`), not to --upstream");
    } else {
      if (!cfg.public_url.empty() && auth_mode != "resource-server")
        throw CLI::ValidationError("--public-url", "only applies to an HTTP upstream (--upstream URL) or to "
                                                   "--auth-mode resource-server: in passthrough mode the bridge "
                                                   "serves protected resource metadata for an HTTP upstream only");
      if (!headers.empty() || !cfg.upstream_ca_file.empty() || cfg.upstream_insecure)
        throw CLI::ValidationError("--upstream-header/--upstream-ca-file/--upstream-insecure",
                                   "only apply to an HTTP upstream (--upstream URL)");
      if (!child.empty()) {
        cfg.upstream_command = child;
      } else {
        cfg.upstream_command = default_sample_command(executable);
        cfg.upstream_is_default_sample = true;
        if (cfg.upstream_command.empty())
          throw CLI::ValidationError("upstream", "no --upstream URL or `-- COMMAND` given, and the bundled sample "
                                                 "mcp-legacy-sample was not found next to " +
                                                     executable.string() + " or in ../samples/");
      }
    }
    check_authorization(auth_mode, auth_scopes, auth_requires, auth_skew, cfg);
    check_upstream_credentials(upstream_scopes,
                               client_id_opt->count() + secret_env_opt->count() + secret_file_opt->count() +
                                       scope_opt->count() >
                                   0,
                               cfg);
    if (cfg.stdio && !listen.empty())
      throw CLI::ValidationError("--stdio", "--stdio and --listen exclude each other");
    check_tls(cfg);
    if (cfg.threads == 0) cfg.threads = std::max(1u, std::thread::hardware_concurrency());
  } catch (const CLI::CallForHelp&) {
    return ParseExit{0, app.help()};
  } catch (const CLI::ParseError& e) {
    return ParseExit{2, std::string("error: ") + e.what() + "\nRun with --help for every option.\n"};
  }
  return cfg;
}

}  // namespace mcp::config
