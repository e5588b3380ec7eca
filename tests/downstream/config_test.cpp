// Command-line and config-file parsing, and the log formats.
#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "config/logging.hpp"

using namespace mcp::config;
namespace fs = std::filesystem;

namespace {

// A fake build tree: <tmp>/proxy/mcp-bridge and <tmp>/samples/mcp-legacy-sample.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("mcp-config-test-" + std::to_string(::getpid()));
    fs::create_directories(root / "proxy");
    fs::create_directories(root / "samples");
    std::ofstream(root / "samples" / "mcp-legacy-sample") << "#!/bin/sh\n";
    exe = root / "proxy" / "mcp-bridge";
  }
  void TearDown() override { fs::remove_all(root); }

  ParseResult parse(std::vector<std::string> args, fs::path executable = {}) {
    args.insert(args.begin(), "mcp-bridge");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), executable.empty() ? exe : executable);
  }
  BridgeConfig ok(std::vector<std::string> args) {
    auto r = parse(std::move(args));
    if (auto* e = std::get_if<ParseExit>(&r)) ADD_FAILURE() << e->output;
    return std::get<BridgeConfig>(r);
  }
  ParseExit fails(std::vector<std::string> args) {
    auto r = parse(std::move(args));
    EXPECT_TRUE(std::holds_alternative<ParseExit>(r));
    auto e = std::get_if<ParseExit>(&r);
    return e ? *e : ParseExit{};
  }

  fs::path root, exe;
};

}  // namespace

TEST_F(ConfigTest, HttpUpstreamForm) {
  auto c = ok({"--listen", "127.0.0.1:8080", "--upstream", "http://127.0.0.1:3001/mcp"});
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.upstream_url, "http://127.0.0.1:3001/mcp");
  EXPECT_TRUE(c.upstream_command.empty());
  EXPECT_FALSE(c.stdio);
  EXPECT_GE(c.threads, 1u);
}

TEST_F(ConfigTest, StdioChildFormKeepsChildFlagsVerbatim) {
  auto c = ok({"--listen", "127.0.0.1:8080", "--", "npx", "-y", "some-legacy-server"});
  EXPECT_EQ(c.upstream_command, (std::vector<std::string>{"npx", "-y", "some-legacy-server"}));
  auto s = ok({"--stdio", "--", "./legacy-server", "--flag", "--listen", "x", "--", "-h"});
  EXPECT_TRUE(s.stdio);
  EXPECT_EQ(s.upstream_command,
            (std::vector<std::string>{"./legacy-server", "--flag", "--listen", "x", "--", "-h"}));
  EXPECT_EQ(s.listen_port, 8080);  // the child's --listen is not ours
  EXPECT_FALSE(s.upstream_is_default_sample);
}

TEST_F(ConfigTest, DefaultsToTheBundledSampleInTheBuildTree) {
  auto c = ok({});
  ASSERT_EQ(c.upstream_command.size(), 2u);
  EXPECT_EQ(fs::path(c.upstream_command[0]).filename(), "mcp-legacy-sample");
  EXPECT_EQ(c.upstream_command[1], "--stdio");
  EXPECT_TRUE(c.upstream_is_default_sample);
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
}

TEST_F(ConfigTest, MissingSampleIsAClearError) {
  auto r = parse({}, root / "elsewhere" / "bin" / "mcp-bridge");
  ASSERT_TRUE(std::holds_alternative<ParseExit>(r));
  EXPECT_EQ(std::get<ParseExit>(r).code, 2);
  EXPECT_NE(std::get<ParseExit>(r).output.find("mcp-legacy-sample"), std::string::npos);
}

TEST_F(ConfigTest, EveryOptionIsMapped) {
  auto c = ok({"--listen", "[::1]:0", "--upstream", "https://example.test/mcp", "--upstream-header",
               "X-Api-Key: secret", "--upstream-insecure", "--threads", "3", "--max-body-bytes", "2048",
               "--max-header-bytes", "4096", "--max-connections", "7", "--request-timeout-ms", "1500",
               "--idle-timeout-ms", "2500", "--upstream-timeout-ms", "9000", "--drain-timeout-ms", "100",
               "--max-sessions", "5", "--session-idle-ms", "60000", "--cache-ttl-ms", "1000", "--cache-scope",
               "public", "--cache-override", "tools/list=60000:private", "--cache-override", "resources/read=5",
               "--allowed-host", "mcp.example.com", "--allowed-origin", "https://app.example.com", "--log-level",
               "debug", "--log-format", "json", "--public-url", "https://mcp.example.com/mcp"});
  EXPECT_EQ(c.listen_host, "::1");
  EXPECT_EQ(c.public_url, "https://mcp.example.com/mcp");
  EXPECT_EQ(c.listen_port, 0);
  EXPECT_EQ(c.upstream_headers.at("X-Api-Key"), "secret");
  EXPECT_TRUE(c.upstream_insecure);
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.max_header_bytes, 4096u);
  EXPECT_EQ(c.max_connections, 7u);
  EXPECT_EQ(c.request_read_timeout.count(), 1500);
  EXPECT_EQ(c.idle_timeout.count(), 2500);
  EXPECT_EQ(c.upstream_timeout.count(), 9000);
  EXPECT_EQ(c.drain_timeout.count(), 100);
  EXPECT_EQ(c.max_sessions, 5u);
  EXPECT_EQ(c.session_idle_timeout.count(), 60000);
  EXPECT_EQ(c.cache_ttl_ms, 1000);
  EXPECT_EQ(c.cache_scope, "public");
  EXPECT_EQ(c.cache_overrides.at("tools/list").ttl_ms, 60000);
  EXPECT_EQ(c.cache_overrides.at("tools/list").scope, "private");
  EXPECT_EQ(c.cache_overrides.at("resources/read").ttl_ms, 5);
  EXPECT_FALSE(c.cache_overrides.at("resources/read").scope.has_value());
  EXPECT_EQ(c.allowed_hosts, std::vector<std::string>{"mcp.example.com"});
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://app.example.com"});
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, LogFormat::Json);
}

TEST_F(ConfigTest, ChildEnvAndCwd) {
  auto c = ok({"--env", "A=1", "--env", "B=x=y", "--cwd", root.string(), "--", "srv"});
  EXPECT_EQ(c.child_env.at("A"), "1");
  EXPECT_EQ(c.child_env.at("B"), "x=y");
  EXPECT_EQ(c.child_cwd, root.string());
}

TEST_F(ConfigTest, ConfigFileIsReadAndTheCommandLineWins) {
  auto file = root / "bridge.toml";
  std::ofstream(file) << "listen = \"127.0.0.1:9000\"\nmax-connections = 12\nupstream = \"http://127.0.0.1:3001/mcp\"\n"
                         "allowed-host = [\"a.example\", \"b.example\"]\nlog-format = \"json\"\n";
  auto c = ok({"--config", file.string(), "--max-connections", "13"});
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.max_connections, 13u);
  EXPECT_EQ(c.upstream_url, "http://127.0.0.1:3001/mcp");
  EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(c.log_format, LogFormat::Json);
}

TEST_F(ConfigTest, BadValuesAreClearErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  for (const auto& [args, mentions] : std::vector<Case>{
           {{"--listen", "8080"}, "HOST:PORT"},
           {{"--listen", "127.0.0.1:99999"}, "0-65535"},
           {{"--listen", "example.com:80"}, "IP address"},
           {{"--upstream", "ftp://x"}, "http://"},
           {{"--upstream", "http://x/mcp", "--", "srv"}, "not both"},
           {{"--max-body-bytes", "-5"}, "max-body-bytes"},
           {{"--max-connections", "abc"}, "max-connections"},
           {{"--cache-scope", "shared"}, "cache-scope"},
           {{"--cache-override", "tools/call=5"}, "not a cacheable method"},
           {{"--cache-override", "tools/list=soon"}, "TTL"},
           {{"--log-format", "xml"}, "log-format"},
           {{"--upstream-header", "NoColon", "--upstream", "http://x/mcp"}, "KEY:VALUE"},
           {{"--env", "A=1", "--upstream", "http://x/mcp"}, "stdio child"},
           {{"--stdio", "--listen", "127.0.0.1:1"}, "exclude"},
           {{"--public-url", "mcp.example.com/mcp", "--upstream", "http://x/mcp"}, "absolute URL"},
           {{"--public-url", "https://m.test/mcp#f", "--upstream", "http://x/mcp"}, "fragment"},
           {{"--public-url", "https://m.test/mcp"}, "HTTP upstream"},
           {{"--no-such-option"}, "no-such-option"},
           {{"--"}, "must be followed"},
       }) {
    auto e = fails(args);
    EXPECT_EQ(e.code, 2) << args[0];
    EXPECT_NE(e.output.find(mentions), std::string::npos) << args[0] << ": " << e.output;
  }
}

// --tls-*: both files or neither, the client CA only with them, never with
// --stdio; missing files are refused by name (contents: tls_listener_test).
TEST_F(ConfigTest, TlsOptionsGoTogether) {
  const std::string cert = (root / "cert.pem").string(), key = (root / "key.pem").string(),
                    ca = (root / "ca.pem").string();
  for (const auto& f : {cert, key, ca}) std::ofstream(f) << "PEM\n";

  auto plain = ok({});
  EXPECT_TRUE(plain.tls_cert_file.empty());
  EXPECT_TRUE(plain.tls_key_file.empty());
  EXPECT_TRUE(plain.tls_client_ca_file.empty());
  auto tls = ok({"--tls-cert", cert, "--tls-key", key});
  EXPECT_EQ(tls.tls_cert_file, cert);
  EXPECT_EQ(tls.tls_key_file, key);
  EXPECT_TRUE(tls.tls_client_ca_file.empty());
  auto mtls = ok({"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca});
  EXPECT_EQ(mtls.tls_client_ca_file, ca);

  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const std::string missing = (root / "missing.pem").string();
  for (const auto& [args, mentions] : std::vector<Case>{
           {{"--tls-cert", cert}, "go together"},
           {{"--tls-key", key}, "go together"},
           {{"--tls-client-ca", ca}, "needs --tls-cert"},
           {{"--tls-cert", missing, "--tls-key", key}, missing},
           {{"--tls-cert", cert, "--tls-key", missing}, missing},
           {{"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", missing}, missing},
           {{"--stdio", "--tls-cert", cert, "--tls-key", key}, "--stdio"},
       }) {
    auto e = fails(args);
    EXPECT_EQ(e.code, 2) << args[0];
    EXPECT_NE(e.output.find(mentions), std::string::npos) << args[0] << ": " << e.output;
  }
}

TEST_F(ConfigTest, HelpExplainsOptionsAndUsageForms) {
  auto r = parse({"--help"});
  ASSERT_TRUE(std::holds_alternative<ParseExit>(r));
  const auto& e = std::get<ParseExit>(r);
  EXPECT_EQ(e.code, 0);
  for (const char* s : {"--listen", "--stdio", "--upstream", "--upstream-header", "--upstream-ca-file",
                        "--upstream-insecure", "--env", "--cwd", "--threads", "--max-body-bytes", "--max-header-bytes",
                        "--max-connections", "--request-timeout-ms", "--idle-timeout-ms", "--drain-timeout-ms",
                        "--allowed-host", "--allowed-origin", "--max-sessions", "--session-idle-ms", "--cache-ttl-ms",
                        "--cache-scope", "--cache-override", "--log-level", "--log-format", "--config", "--public-url",
                        "oauth-protected-resource", "--tls-cert", "--tls-key", "--tls-client-ca", "SIGHUP",
                        "-- npx -y some-legacy-server", "--stdio -- ./legacy-server --flag", "milliseconds", "bytes"})
    EXPECT_NE(e.output.find(s), std::string::npos) << s;
}

// --- logging

TEST(Logging, JsonLinesAreValidJsonEvenForHostileMessages) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("t", sink);
  logger.set_formatter(make_json_formatter());
  logger.warn("quote \" backslash \\ newline \n tab \t ctrl \x01 end");
  std::string line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["msg"], "quote \" backslash \\ newline \n tab \t ctrl \x01 end");
  EXPECT_TRUE(j["time"].get<std::string>().ends_with("Z"));
}

TEST(Logging, UnknownLevelIsRejected) {
  EXPECT_THROW(setup_logging("chatty", LogFormat::Text), std::invalid_argument);
  EXPECT_NO_THROW(setup_logging("debug", LogFormat::Json));
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
}
