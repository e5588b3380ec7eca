// The Authorization options of the command line: passthrough stays the
// default, resource-server needs issuers (keys: --auth-jwks-url, discovered,
// or introspection), and every bad combination
// is refused with a message naming the option.
#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mcp::config;

namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "mcp-bridge");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), "/nonexistent/proxy/mcp-bridge");
}

BridgeConfig ok(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  if (auto* e = std::get_if<ParseExit>(&r)) {
    ADD_FAILURE() << e->output;
    return {};
  }
  return std::get<BridgeConfig>(r);
}

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  auto* e = std::get_if<ParseExit>(&r);
  if (!e) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  EXPECT_EQ(e->code, 2);
  return e->output;
}

const std::vector<std::string> kRs = {"--upstream",    "http://127.0.0.1:9/mcp",  "--auth-mode",
                                      "resource-server", "--auth-issuer",         "https://as.example.com",
                                      "--auth-jwks-url", "https://as.example.com/jwks"};

std::vector<std::string> rs(std::vector<std::string> extra) {
  auto args = kRs;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(AuthConfig, PassthroughIsTheDefault) {
  auto cfg = ok({"--upstream", "http://127.0.0.1:9/mcp"});
  EXPECT_EQ(cfg.auth_mode, BridgeConfig::AuthMode::Passthrough);
  EXPECT_TRUE(cfg.auth_issuers.empty());
}

TEST(AuthConfig, ResourceServerOptions) {
  auto cfg = ok(rs({"--auth-issuer", "https://other.example.com/tenant", "--auth-scopes", "mcp:read mcp:tools",
                    "--auth-scopes", "mcp:read,mcp:extra", "--auth-require-scope", "mcp:read",
                    "--auth-require-scope", "tools/call:delete=files:write files:admin", "--auth-require-scope",
                    "tools/list=mcp:list", "--auth-audience", "https://mcp.example.com/mcp", "--auth-clock-skew-s",
                    "5", "--upstream-header", "Authorization: Bearer static"}));
  EXPECT_EQ(cfg.auth_mode, BridgeConfig::AuthMode::ResourceServer);
  EXPECT_EQ(cfg.auth_issuers, (std::vector<std::string>{"https://as.example.com", "https://other.example.com/tenant"}));
  EXPECT_EQ(cfg.auth_jwks_url, "https://as.example.com/jwks");
  EXPECT_EQ(cfg.auth_scopes_supported, (std::vector<std::string>{"mcp:read", "mcp:tools", "mcp:extra"}));
  EXPECT_EQ(cfg.auth_required_scopes, std::vector<std::string>{"mcp:read"});
  EXPECT_EQ(cfg.auth_operation_scopes.at("tools/call:delete"),
            (std::vector<std::string>{"files:write", "files:admin"}));
  EXPECT_EQ(cfg.auth_operation_scopes.at("tools/list"), std::vector<std::string>{"mcp:list"});
  EXPECT_EQ(cfg.auth_audience, "https://mcp.example.com/mcp");
  EXPECT_EQ(cfg.auth_clock_skew, std::chrono::seconds(5));
  EXPECT_EQ(cfg.upstream_headers.at("Authorization"), "Bearer static");
}

TEST(AuthConfig, ResourceServerInFrontOfAStdioChildTakesAPublicUrl) {
  auto cfg = ok({"--auth-mode", "resource-server", "--auth-issuer", "https://as.example.com", "--auth-jwks-url",
                 "https://as.example.com/jwks", "--public-url", "https://mcp.example.com/mcp", "--", "./server"});
  EXPECT_EQ(cfg.public_url, "https://mcp.example.com/mcp");
  EXPECT_EQ(cfg.upstream_command, std::vector<std::string>{"./server"});
}

TEST(AuthConfig, BadCombinationsAreRefusedByName) {
  const std::string up = "http://127.0.0.1:9/mcp";
  EXPECT_NE(error_of({"--upstream", up, "--auth-mode", "resource-server", "--auth-jwks-url", "https://a.test/j"})
                .find("--auth-issuer"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream", up, "--auth-issuer", "https://a.test"}).find("resource-server"), std::string::npos)
      << "resource-server options without the mode";
  EXPECT_NE(error_of({"--upstream", up, "--auth-require-scope", "x"}).find("resource-server"), std::string::npos);
  EXPECT_NE(error_of({"--upstream", up, "--auth-mode", "bogus"}).find("--auth-mode"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-issuer", "as.example.com"})).find("absolute URL"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-audience", "https://m.test/mcp#x"})).find("fragment"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-scopes", "\"quoted\""})).find("RFC 6749"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-scopes", " , "})).find("names no scope"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-scopes", "mcp:tools offline_access"})).find("offline_access"), std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-require-scope", "delete=files:write"})).find("METHOD=SCOPE"), std::string::npos)
      << "an operation must be a method";
  EXPECT_NE(error_of(rs({"--auth-require-scope", "tools/call:=x"})).find("METHOD=SCOPE"), std::string::npos);
  EXPECT_NE(error_of({"--stdio", "--auth-mode", "resource-server", "--auth-issuer", "https://a.test",
                      "--auth-jwks-url", "https://a.test/j", "--", "./server"})
                .find("HTTP listener"),
            std::string::npos);
}

TEST(AuthConfig, WithoutAJwksUrlTheKeysAreDiscovered) {
  const std::vector<std::string> base = {"--upstream", "http://127.0.0.1:9/mcp", "--auth-mode", "resource-server",
                                         "--auth-issuer", "https://as.example.com/tenant1"};
  auto cfg = ok(base);
  EXPECT_TRUE(cfg.auth_jwks_url.empty());
  EXPECT_TRUE(cfg.auth_jwks_discovery()) << "an issuer alone is enough: discovery is the default";
  EXPECT_FALSE(ok(rs({})).auth_jwks_discovery()) << "an explicit --auth-jwks-url wins";
  auto with_query = base;
  with_query[5] = "https://as.example.com/?tenant=1";
  EXPECT_NE(error_of(with_query).find("RFC 8414"), std::string::npos) << "no metadata URL for an issuer with a query";
}

TEST(AuthConfig, IntrospectionOptions) {
  auto cfg = ok({"--upstream", "http://127.0.0.1:9/mcp", "--auth-mode", "resource-server", "--auth-issuer",
                 "https://as.example.com", "--auth-introspection-url", "https://as.example.com/introspect",
                 "--auth-introspection-client-id", "bridge"});
  EXPECT_EQ(cfg.auth_introspection_url, "https://as.example.com/introspect");
  EXPECT_EQ(cfg.auth_introspection_client_id, "bridge");
  EXPECT_TRUE(cfg.auth_jwks_url.empty()) << "introspection alone is enough";
  EXPECT_FALSE(cfg.auth_jwks_discovery()) << "introspection only: JWT keys are not discovered";
  EXPECT_NE(error_of(rs({"--auth-introspection-url", "https://as.example.com/introspect"}))
                .find("--auth-introspection-client-id"),
            std::string::npos);
  EXPECT_NE(error_of(rs({"--auth-introspection-client-id", "bridge"})).find("--auth-introspection-url"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream", "http://127.0.0.1:9/mcp", "--auth-introspection-url", "https://a.test/i"})
                .find("resource-server"),
            std::string::npos);
}

TEST(AuthConfig, HelpExplainsTheModes) {
  auto r = parse({"--help"});
  auto* e = std::get_if<ParseExit>(&r);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, 0);
  for (const char* text : {"--auth-mode", "resource-server", "passthrough", "--auth-issuer", "--auth-jwks-url",
                           "--auth-audience", "--auth-scopes", "--auth-require-scope", "insufficient_scope",
                           "never sends the client's token upstream",
                           "jwks_uri is discovered from its authorization server metadata"})
    EXPECT_NE(e->output.find(text), std::string::npos) << text;
}

// The --upstream-token-url options (the bridge's own upstream token): what they
// fill in, and every bad combination refused with a message naming the option.
const std::vector<std::string> kClientCredentials{"--upstream", "https://up.example/mcp", "--upstream-token-url",
                                     "https://as.example/token", "--upstream-client-id", "bridge"};

std::vector<std::string> with_client_credentials(std::vector<std::string> extra) {
  auto args = kClientCredentials;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(UpstreamCredentialsConfig, FillsTheConfig) {
  auto r = parse(with_client_credentials({"--upstream-scope", "mcp:tools files:read", "--upstream-scope", "mcp:tools,admin",
                       "--upstream-client-secret-env", "MY_SECRET"}));
  ASSERT_TRUE(std::holds_alternative<BridgeConfig>(r)) << std::get<ParseExit>(r).output;
  const auto& cfg = std::get<BridgeConfig>(r);
  EXPECT_EQ(cfg.upstream_token_url, "https://as.example/token");
  EXPECT_EQ(cfg.upstream_client_id, "bridge");
  EXPECT_EQ(cfg.upstream_client_secret_env, "MY_SECRET");
  EXPECT_EQ(cfg.upstream_scopes, (std::vector<std::string>{"mcp:tools", "files:read", "admin"}));
  auto plain = std::get<BridgeConfig>(parse({"--upstream", "https://up.example/mcp"}));
  EXPECT_TRUE(plain.upstream_token_url.empty());
  EXPECT_EQ(plain.upstream_client_secret_env, "MCP_BRIDGE_UPSTREAM_CLIENT_SECRET");
  EXPECT_TRUE(std::holds_alternative<BridgeConfig>(
      parse({"--upstream", "http://127.0.0.1:3001/mcp", "--upstream-token-url", "http://127.0.0.1:9000/token",
             "--upstream-client-id", "bridge"})))
      << "http on a loopback host";
}

TEST(UpstreamCredentialsConfig, RefusesBadCombinations) {
  EXPECT_NE(error_of({"--upstream", "https://up.example/mcp", "--upstream-client-id", "bridge"})
                .find("only apply with --upstream-token-url"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream", "https://up.example/mcp", "--upstream-scope", "a"}).find("--upstream-token-url"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream-token-url", "https://as.example/token", "--upstream-client-id", "b", "--",
                      "server", "--stdio"})
                .find("needs an HTTP upstream"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream", "https://up.example/mcp", "--upstream-token-url", "https://as.example/token"})
                .find("--upstream-client-id"),
            std::string::npos);
  EXPECT_NE(error_of({"--upstream", "https://up.example/mcp", "--upstream-token-url", "http://as.example/token",
                      "--upstream-client-id", "b"})
                .find("must be https"),
            std::string::npos)
      << "the client secret would travel in clear";
  EXPECT_NE(error_of({"--upstream", "https://up.example/mcp", "--upstream-token-url", "as.example/token",
                      "--upstream-client-id", "b"})
                .find("--upstream-token-url"),
            std::string::npos);
  EXPECT_NE(error_of(with_client_credentials({"--upstream-header", "authorization: Bearer static"})).find("exclude each other"),
            std::string::npos);
  EXPECT_TRUE(std::holds_alternative<BridgeConfig>(parse(with_client_credentials({"--upstream-header", "X-Tenant: a"}))))
      << "other headers are fine";
  EXPECT_NE(error_of(with_client_credentials({"--upstream-scope", "bad\"scope"})).find("--upstream-scope"), std::string::npos);
}

TEST(UpstreamCredentialsConfig, HelpExplainsTheOptions) {
  auto r = parse({"--help"});
  ASSERT_TRUE(std::holds_alternative<ParseExit>(r));
  const auto& help = std::get<ParseExit>(r).output;
  for (const char* needle : {"--upstream-token-url", "client-credentials grant", "--upstream-client-id",
                             "--upstream-client-secret-env", "MCP_BRIDGE_UPSTREAM_CLIENT_SECRET",
                             "--upstream-client-secret-file", "--upstream-scope", "refreshed before it expires"})
    EXPECT_NE(help.find(needle), std::string::npos) << needle;
}

}  // namespace
