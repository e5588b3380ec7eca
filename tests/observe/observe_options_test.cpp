// --metrics-listen and --access-log on the command line (config/command_line.cpp):
// off by default, parsed like --listen, documented in --help.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/command_line.hpp"

namespace {

using namespace mcp::config;

// An explicit upstream command: the bundled sample need not exist.
ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "mcp-bridge");
  args.insert(args.end(), {"--", "/bin/true"});
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), "/nonexistent/mcp-bridge");
}

TEST(ObserveOptions, OffByDefault) {
  auto r = parse({});
  ASSERT_TRUE(std::holds_alternative<BridgeConfig>(r)) << std::get<ParseExit>(r).output;
  const auto& c = std::get<BridgeConfig>(r);
  EXPECT_TRUE(c.metrics_host.empty());
  EXPECT_TRUE(c.access_log.empty());
}

TEST(ObserveOptions, MetricsListenAndAccessLog) {
  auto r = parse({"--metrics-listen", "localhost:9464", "--access-log", "/var/log/mcp-access.log"});
  ASSERT_TRUE(std::holds_alternative<BridgeConfig>(r)) << std::get<ParseExit>(r).output;
  const auto& c = std::get<BridgeConfig>(r);
  EXPECT_EQ(c.metrics_host, "127.0.0.1");
  EXPECT_EQ(c.metrics_port, 9464);
  EXPECT_EQ(c.access_log, "/var/log/mcp-access.log");
  auto v6 = std::get<BridgeConfig>(parse({"--metrics-listen", "[::1]:0", "--access-log", "-"}));
  EXPECT_EQ(v6.metrics_host, "::1");
  EXPECT_EQ(v6.metrics_port, 0);
  EXPECT_EQ(v6.access_log, "-");
}

TEST(ObserveOptions, Rejections) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  for (const auto& [args, mentions] : std::vector<Case>{
           {{"--metrics-listen", "9464"}, "--metrics-listen"},
           {{"--metrics-listen", "example.com:9464"}, "IP address"},
           {{"--metrics-listen", "127.0.0.1:70000"}, "0-65535"},
           {{"--stdio", "--access-log", "-"}, "stdout"},
       }) {
    auto r = parse(args);
    ASSERT_TRUE(std::holds_alternative<ParseExit>(r)) << args[0];
    const auto& e = std::get<ParseExit>(r);
    EXPECT_EQ(e.code, 2);
    EXPECT_NE(e.output.find(mentions), std::string::npos) << e.output;
  }
  // --stdio with a file access log and a metrics listener is fine.
  EXPECT_TRUE(std::holds_alternative<BridgeConfig>(
      parse({"--stdio", "--access-log", "/tmp/a.log", "--metrics-listen", "127.0.0.1:0"})));
}

TEST(ObserveOptions, HelpDocumentsBoth) {
  auto r = parse({"--help"});
  ASSERT_TRUE(std::holds_alternative<ParseExit>(r));
  const auto& out = std::get<ParseExit>(r).output;
  for (const char* s : {"Observability", "--metrics-listen", "/metrics", "--access-log", "JSON line", "never tokens"})
    EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
}

}  // namespace
