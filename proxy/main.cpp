// mcp-bridge: serves stateless MCP 2026-07-28 clients (Streamable HTTP or
// stdio) from a session-based 2025-11-25 server (Streamable HTTP or a stdio
// child). Wiring only: parse the configuration, set up logging, build the
// upstream session factory and the bridge, run the downstream server on N
// io threads, each with its own io_context, shut down gracefully on SIGINT/SIGTERM; with
// --tls-cert, SIGHUP reloads the listener's certificate, key and client CA.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "auth/metadata_proxy.hpp"
#include "auth/resource_metadata.hpp"
#include "auth/resource_server.hpp"
#include "auth/upstream_token_source.hpp"
#include "bridge/make_bridge.hpp"
#include "bridge/peer_forwarder.hpp"
#include "config/command_line.hpp"
#include "config/logging.hpp"
#include "downstream/http_listener.hpp"
#include "downstream/io_shards.hpp"
#include "downstream/stdio_server.hpp"
#include "downstream/tls_context.hpp"
#include "observe/access_log.hpp"
#include "observe/exposition.hpp"
#include "observe/metrics_listener.hpp"
#include "translate/protocol.hpp"
#include "upstream/http_upstream.hpp"
#include "upstream/stdio_upstream.hpp"

namespace asio = boost::asio;
using namespace mcp;

namespace {

// The client secret of --upstream-client-id: the first line of
// --upstream-client-secret-file, else the --upstream-client-secret-env
// variable; empty when neither holds one. Never logged.
std::string upstream_client_secret(const config::BridgeConfig& cfg) {
  if (!cfg.upstream_client_secret_file.empty()) {
    std::ifstream in(cfg.upstream_client_secret_file);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
  }
  const char* env = std::getenv(cfg.upstream_client_secret_env.c_str());
  return env ? env : "";
}

// --upstream-token-url: the bridge's own access token, client-credentials
// grant (auth/upstream_token_source.hpp); null without it.
std::shared_ptr<upstream::UpstreamCredentials> make_upstream_token_source(asio::any_io_executor ex,
                                                                          const config::BridgeConfig& cfg,
                                                                          std::string client_secret) {
  if (cfg.upstream_token_url.empty()) return nullptr;
  auth::UpstreamTokenOptions o;
  o.token_url = cfg.upstream_token_url;
  o.client_id = cfg.upstream_client_id;
  o.client_secret = std::move(client_secret);
  o.scopes = cfg.upstream_scopes;
  o.resource = cfg.upstream_url;
  o.fetch.ca_file = cfg.upstream_ca_file;
  o.fetch.tls_insecure = cfg.upstream_insecure;
  spdlog::info("upstream: the bridge's access token comes from {} (client {}, client-credentials grant, resource {})",
               o.token_url, o.client_id, o.resource);
  return std::make_shared<auth::UpstreamTokenSource>(ex, std::move(o));
}

std::shared_ptr<upstream::SessionFactory> make_factory(asio::any_io_executor ex, const config::BridgeConfig& cfg,
                                                       std::string upstream_secret) {
  if (!cfg.upstream_url.empty()) {
    upstream::HttpUpstreamOptions o;
    o.url = cfg.upstream_url;
    o.ca_file = cfg.upstream_ca_file;
    o.tls_insecure = cfg.upstream_insecure;
    o.headers = cfg.upstream_headers;
    o.credentials = make_upstream_token_source(ex, cfg, std::move(upstream_secret));
    // Only a backstop: the bridge's own deadline (--upstream-timeout-ms, in
    // BridgeImpl::call_upstream) must expire first, because it answers the
    // client 504 and cancels the call upstream; with equal bounds the
    // transport's timer usually won, and the upstream never heard of it.
    o.request_timeout = cfg.upstream_timeout + std::chrono::seconds(5);
    spdlog::info("upstream: legacy Streamable HTTP server {}", cfg.upstream_url);
    if (cfg.upstream_insecure) spdlog::warn("upstream: TLS certificate verification is OFF (--upstream-insecure)");
    return upstream::make_http_session_factory(ex, std::move(o));
  }
  upstream::StdioUpstreamOptions o;
  o.argv = cfg.upstream_command;
  o.env = cfg.child_env;
  o.cwd = cfg.child_cwd;
  std::string command;
  for (const auto& a : cfg.upstream_command) command += (command.empty() ? "" : " ") + a;
  spdlog::info("upstream: legacy stdio server `{}`{}", command,
               cfg.upstream_is_default_sample ? " (the bundled sample; give --upstream or -- COMMAND for yours)" : "");
  return upstream::make_stdio_session_factory(ex, std::move(o));
}

// Resource-server authorization (auth/resource_server.hpp) from the
// --auth-* options; the audience defaults to the public URL, set once bound.
std::shared_ptr<auth::ResourceServer> make_resource_server(asio::any_io_executor ex,
                                                           const config::BridgeConfig& cfg) {
  auth::ResourceServerOptions o;
  o.policy.issuers = cfg.auth_issuers;
  o.policy.audience = cfg.auth_audience;
  o.policy.scopes_supported = cfg.auth_scopes_supported;
  o.policy.required_scopes = cfg.auth_required_scopes;
  o.policy.operation_scopes = cfg.auth_operation_scopes;
  o.policy.clock_skew = cfg.auth_clock_skew;
  o.jwks.url = cfg.auth_jwks_url;
  o.jwks.fetch.ca_file = cfg.auth_ca_file;
  o.discover_jwks = cfg.auth_jwks_discovery();
  if (!cfg.auth_introspection_url.empty()) {
    auth::IntrospectionOptions io;
    io.url = cfg.auth_introspection_url;
    io.fetch.ca_file = cfg.auth_ca_file;
    io.client_id = cfg.auth_introspection_client_id;
    const char* secret = std::getenv(cfg.auth_introspection_secret_env.c_str());
    if (!secret || !*secret)
      spdlog::warn("auth: ${} is empty: introspection requests carry no client secret",
                   cfg.auth_introspection_secret_env);
    io.client_secret = secret ? secret : "";
    io.default_issuer = cfg.auth_issuers.front();
    o.introspection = std::move(io);
  }
  return std::make_shared<auth::ResourceServer>(ex, std::move(o));
}

// requestState keys: --state-key-file, else the --state-key-env variable,
// else one random key. Errors never quote the key material.
std::variant<bridge::KeyRing, std::string> load_state_keys(const config::BridgeConfig& cfg) {
  std::string text;
  if (!cfg.state_key_file.empty()) {
    std::ifstream in(cfg.state_key_file);
    if (!in) return "cannot read --state-key-file " + cfg.state_key_file;
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  } else if (const char* env = std::getenv(cfg.state_key_env.c_str()); env && *env) {
    text = env;
  } else {
    spdlog::info("mrtr: no requestState keys configured; using a random per-process key");
    return bridge::KeyRing::random();
  }
  auto keys = bridge::KeyRing::parse(text);
  if (auto* ring = std::get_if<bridge::KeyRing>(&keys))
    spdlog::info("mrtr: {} requestState key(s) loaded, signing with '{}'", ring->size(), ring->signing_key().id);
  return keys;
}

bridge::BridgeOptions bridge_options(const config::BridgeConfig& cfg, bridge::KeyRing keys) {
  bridge::BridgeOptions o;
  o.mrtr.keys = std::move(keys);
  o.mrtr.gather_window = cfg.input_gather_window;
  o.mrtr.exchange_timeout = cfg.input_exchange_timeout;
  o.mrtr.max_exchanges = cfg.max_input_exchanges;
  for (const auto& root : cfg.roots) o.mrtr.roots.push_back(std::filesystem::absolute(root).lexically_normal());
  // HTTP: the advertised URL, set once the listener is bound (advertised_url()).
  o.mrtr.owner = cfg.stdio ? "stdio" : cfg.advertise_url;
  o.mrtr.strategy.global = bridge::parse_strategy(cfg.mrtr_strategy).value_or(bridge::MrtrStrategy::Park);
  o.mrtr.strategy.replay_tools.insert(cfg.replay_tools.begin(), cfg.replay_tools.end());
  auto scope = [](const std::string& s) {
    return s == "public" ? translate::CacheScope::Public : translate::CacheScope::Private;
  };
  o.cache.default_hint = {cfg.cache_ttl_ms, scope(cfg.cache_scope)};
  for (const auto& [method, hint] : cfg.cache_overrides)
    o.cache.per_method[method] = {hint.ttl_ms, hint.scope ? scope(*hint.scope) : scope(cfg.cache_scope)};
  o.pool.max_sessions = cfg.max_sessions;
  o.pool.idle_timeout = cfg.session_idle_timeout;
  o.request_timeout = cfg.upstream_timeout;
  return o;
}

// What peer replicas use to reach this one: --advertise-url, else the bound address.
std::string advertised_url(const config::BridgeConfig& cfg, std::uint16_t bound_port) {
  if (!cfg.advertise_url.empty()) return cfg.advertise_url;
  if (cfg.listen_host == "0.0.0.0" || cfg.listen_host == "::")
    spdlog::warn("mrtr: listening on {} without --advertise-url: other replicas cannot forward retries here",
                 cfg.listen_host);
  const bool v6 = cfg.listen_host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + cfg.listen_host + "]" : cfg.listen_host) + ":" + std::to_string(bound_port);
}

}  // namespace

int main(int argc, char* argv[]) {
  auto parsed = config::parse_command_line(argc, argv, config::current_executable(argv[0]));
  if (auto* exit = std::get_if<config::ParseExit>(&parsed)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->output << std::flush;
    return exit->code;
  }
  const auto& cfg = std::get<config::BridgeConfig>(parsed);
  config::setup_logging(cfg.log_level, cfg.log_format);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe or socket is an error code, not a fatal signal

  // Observability (observe/): metrics are recorded only when /metrics can be
  // read (--metrics-listen); the access log is off unless --access-log.
  observe::set_recording(!cfg.metrics_host.empty());
  std::shared_ptr<observe::AccessLog> access_log;
  if (!cfg.access_log.empty()) {
    try {
      access_log = observe::AccessLog::open(cfg.access_log);
    } catch (const std::exception& e) {
      spdlog::critical("--access-log {}: {}", cfg.access_log, e.what());
      return 2;
    }
    observe::metrics().access_log_dropped = [weak = std::weak_ptr<observe::AccessLog>(access_log)] {
      auto log = weak.lock();
      return log ? log->dropped() : std::uint64_t{0};
    };
    spdlog::info("access log: one JSON line per request to {}", cfg.access_log == "-" ? "stdout" : cfg.access_log);
  }

  auto keys = load_state_keys(cfg);
  if (auto* problem = std::get_if<std::string>(&keys)) {
    spdlog::critical("requestState keys: {}", *problem);
    return 2;
  }

  // --upstream-token-url: the client secret is read now, so a missing one
  // stops us before anything listens (exit code 2, like a bad option).
  std::string upstream_secret;
  if (!cfg.upstream_token_url.empty()) {
    upstream_secret = upstream_client_secret(cfg);
    if (upstream_secret.empty()) {
      spdlog::critical("--upstream-client-id {} has no secret: {} (the client-credentials grant is for confidential "
                       "clients, RFC 6749 §4.4)",
                       cfg.upstream_client_id,
                       cfg.upstream_client_secret_file.empty()
                           ? "$" + cfg.upstream_client_secret_env + " is empty"
                           : "--upstream-client-secret-file " + cfg.upstream_client_secret_file + " has none");
      return 2;
    }
  }

  // HTTPS on the listener: the files are read now, so a bad one stops us
  // before anything listens (exit code 2, like a bad option).
  std::shared_ptr<downstream::TlsContextSource> tls;
  if (!cfg.tls_cert_file.empty()) {
    auto loaded = downstream::TlsContextSource::load(
        {cfg.tls_cert_file, cfg.tls_key_file, cfg.tls_client_ca_file});
    if (auto* problem = std::get_if<std::string>(&loaded)) {
      spdlog::critical("TLS: {}", *problem);
      return 2;
    }
    tls = std::get<std::shared_ptr<downstream::TlsContextSource>>(std::move(loaded));
  }
  // The canonical URL when --public-url is not given: https once TLS is on.
  auto default_public_url = [&](std::uint16_t port) {
    auto url = auth::default_public_url(cfg.listen_host, port);
    return tls ? "https" + url.substr(4) : url;
  };

  // One io_context per io thread (downstream/io_shards.hpp); everything but
  // the HTTP connections lives on the primary. --stdio: one stream, one
  // io_context run by every thread.
  downstream::IoShards shards(cfg.stdio ? 1 : cfg.threads, cfg.stdio ? cfg.threads : 1);
  asio::io_context& ioc = shards.primary();
  std::shared_ptr<bridge::Bridge> bridge;
  // Passthrough authorization (auth/metadata_proxy.hpp): an HTTP upstream
  // behind HTTP clients; its public URL is known once the listener is bound.
  std::shared_ptr<auth::ResourceMetadataProxy> metadata;
  // Resource-server authorization: the bridge is the protected resource, and
  // upstream sessions never carry the client's credentials.
  std::shared_ptr<auth::ResourceServer> resource_server;
  const bool resource_server_mode = cfg.auth_mode == config::BridgeConfig::AuthMode::ResourceServer;
  try {
    auto options = bridge_options(cfg, std::get<bridge::KeyRing>(std::move(keys)));
    auto factory = make_factory(ioc.get_executor(), cfg, std::move(upstream_secret));
    if (resource_server_mode) {
      resource_server = make_resource_server(ioc.get_executor(), cfg);
      factory = auth::client_credentials_free_factory(std::move(factory));
      options.upstream_refuses_the_bridge = true;
    } else if (!cfg.upstream_url.empty() && !cfg.stdio) {
      auth::MetadataProxyOptions mo;
      mo.upstream_url = cfg.upstream_url;
      mo.ca_file = cfg.upstream_ca_file;
      mo.tls_insecure = cfg.upstream_insecure;
      metadata = std::make_shared<auth::ResourceMetadataProxy>(ioc.get_executor(), mo);
      options.rewrite_challenge = [metadata](std::string_view challenge) {
        return metadata->rewrite_challenge(challenge);
      };
    }
    bridge = bridge::make_bridge(ioc.get_executor(), std::move(factory), std::move(options));
  } catch (const std::exception& e) {
    spdlog::critical("cannot set up the upstream: {}", e.what());
    return 1;
  }

  // GET /metrics on its own address (--metrics-listen), in either mode.
  std::shared_ptr<observe::MetricsListener> metrics_listener;
  if (!cfg.metrics_host.empty()) {
    observe::MetricsListenerOptions mo;
    mo.host = cfg.metrics_host;
    mo.port = cfg.metrics_port;
    mo.render = [] { return observe::render_text(observe::metrics()); };
    metrics_listener = std::make_shared<observe::MetricsListener>(ioc.get_executor(), std::move(mo));
    try {
      metrics_listener->start();
    } catch (const std::exception& e) {
      spdlog::critical("cannot listen on {}:{} for --metrics-listen: {}", cfg.metrics_host, cfg.metrics_port, e.what());
      return 1;
    }
  }

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  // SIGHUP: new certificate files for new connections; existing ones keep
  // theirs; a reload that fails keeps the current context. Only with TLS (a
  // plain bridge keeps SIGHUP's default).
  asio::signal_set reload_signals(ioc);
  std::function<void(boost::system::error_code, int)> on_reload = [&](boost::system::error_code ec, int) {
    if (ec) return;
    if (auto problem = tls->reload())
      spdlog::error("SIGHUP: TLS reload failed, still serving the previous certificate: {}", *problem);
    else
      spdlog::info("SIGHUP: TLS certificate reloaded from {}; new connections use it", cfg.tls_cert_file);
    reload_signals.async_wait(on_reload);
  };
  if (tls && !cfg.stdio) {
    reload_signals.add(SIGHUP);
    reload_signals.async_wait(on_reload);
  }
  int exit_code = 0;
  // Both live until ioc.run() returns (the handlers below refer to them).
  std::shared_ptr<downstream::StdioServer> stdio_server;
  std::shared_ptr<downstream::HttpServer> http_server;

  if (cfg.stdio) {
    downstream::StdioServerOptions so;
    so.max_line_bytes = cfg.max_stdio_line_bytes;
    so.drain_timeout = cfg.drain_timeout;
    so.access_log = access_log;
    stdio_server = std::make_shared<downstream::StdioServer>(ioc.get_executor(), bridge, so, STDIN_FILENO, STDOUT_FILENO);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          co_await stdio_server->run();
          co_await bridge->shutdown();
          ioc.stop();
        },
        [&](std::exception_ptr e) {
          if (e) {
            exit_code = 1;
            ioc.stop();
          }
        });
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      spdlog::info("signal {}: finishing in-flight requests, then exiting", sig);
      stdio_server->stop();
      if (metrics_listener) metrics_listener->stop();
      signals.async_wait([&](boost::system::error_code ec2, int) {
        if (!ec2) ioc.stop();  // second signal: stop now
      });
    });
  } else {
    downstream::HttpServerOptions ho;
    ho.host = cfg.listen_host;
    ho.port = cfg.listen_port;
    ho.max_body_bytes = cfg.max_body_bytes;
    ho.max_header_bytes = cfg.max_header_bytes;
    ho.max_connections = cfg.max_connections;
    ho.request_read_timeout = cfg.request_read_timeout;
    ho.idle_timeout = cfg.idle_timeout;
    ho.access = downstream::make_access_policy(cfg.listen_host, cfg.allowed_hosts, cfg.allowed_origins);
    ho.access_log = access_log;
    ho.tls = tls;
    if (tls && cfg.mrtr_strategy == "park")
      spdlog::info("TLS: replicas forward park retries to each other over plain HTTP, which this listener does "
                   "not accept; with several replicas, use --mrtr-strategy replay or sticky routing");
    bridge::ForwardOptions fo;
    fo.connect_timeout = cfg.peer_connect_timeout;
    fo.response_timeout = cfg.upstream_timeout + std::chrono::seconds(30);  // the owner answers within its own bound
    auto forwarder = std::make_shared<bridge::PeerForwarder>(ioc.get_executor(), cfg.advertise_url, fo);
    ho.forwarder = forwarder;
    if (metadata) ho.resource_metadata = [metadata] { return metadata->serve(); };
    if (resource_server) {
      ho.resource_metadata = [resource_server] { return resource_server->serve_metadata(); };
      ho.authenticate = [resource_server](std::string_view authorization, const nlohmann::json& message) {
        return resource_server->authenticate(authorization, message);
      };
    }
    http_server = std::make_shared<downstream::HttpServer>(shards.executors(), bridge, ho);
    try {
      http_server->start();
    } catch (const std::exception& e) {
      spdlog::critical("cannot listen on {}:{}: {}", cfg.listen_host, cfg.listen_port, e.what());
      return 1;
    }
    const std::string self_url = advertised_url(cfg, http_server->local_port());
    bridge->set_advertised_url(self_url);
    if (metadata) {
      metadata->set_public_url(cfg.public_url.empty() ? default_public_url(http_server->local_port()) : cfg.public_url);
      spdlog::info("auth: passthrough; public URL {}, protected resource metadata at {}", metadata->public_url(),
                   metadata->metadata_url());
    }
    if (resource_server) {
      resource_server->set_public_url(cfg.public_url.empty() ? default_public_url(http_server->local_port())
                                                             : cfg.public_url);
      spdlog::info("auth: resource server; audience {}, protected resource metadata at {}, JWT keys from {}, "
                   "introspection at {}",
                   resource_server->audience(), resource_server->metadata_url(),
                   !cfg.auth_jwks_url.empty()      ? cfg.auth_jwks_url
                   : cfg.auth_jwks_discovery()     ? "each issuer's metadata (discovered on the first token)"
                                                   : "(none)",
                   cfg.auth_introspection_url.empty() ? "(none)" : cfg.auth_introspection_url);
    }
    forwarder->set_self_url(self_url);
    spdlog::info("mrtr: {} strategy{}; advertising {} to peer replicas", cfg.mrtr_strategy,
                 cfg.replay_tools.empty() ? "" : " (replay for " + std::to_string(cfg.replay_tools.size()) + " tool(s))",
                 self_url);
    // /healthz turns 200 as soon as the bridge's own background probe has
    // initialized an upstream session (bridge/make_bridge.hpp, health_probe).
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      spdlog::info("signal {}: graceful shutdown (drain up to {} ms)", sig, cfg.drain_timeout.count());
      if (metrics_listener) metrics_listener->stop();
      boost::system::error_code ignored;
      reload_signals.cancel(ignored);
      asio::co_spawn(
          ioc,
          [&]() -> asio::awaitable<void> {
            co_await http_server->shutdown(cfg.drain_timeout);
            co_await bridge->shutdown();
            ioc.stop();
          },
          [&](std::exception_ptr e) {
            if (e) exit_code = 1;
            ioc.stop();
          });
      signals.async_wait([&](boost::system::error_code ec2, int) {
        if (!ec2) ioc.stop();  // second signal: stop now
      });
    });
  }

  shards.run();
  if (access_log) access_log->flush();
  spdlog::info("mcp-bridge stopped");
  spdlog::shutdown();
  return exit_code;
}
