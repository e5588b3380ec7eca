// Access log lines (format, what is never logged), W3C traceparent parsing,
// RequestObservation's bookkeeping and the stdio restart accounting, all
// without sockets; the writer through a real file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "observe/access_log.hpp"
#include "observe/request_observation.hpp"
#include "observe/trace_context.hpp"
#include "upstream/backoff.hpp"

namespace mcp::observe {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kTp = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";

TEST(TraceContext, ValidTraceparentGivesTheTraceId) {
  EXPECT_EQ(trace_id_of(kTp), "0af7651916cd43dd8448eb211c80319c");
  // A future version may append fields after another dash.
  EXPECT_EQ(trace_id_of("01-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01-extra"),
            "0af7651916cd43dd8448eb211c80319c");
}

TEST(TraceContext, InvalidTraceparentsGiveNothing) {
  for (std::string bad : {std::string(""), std::string("garbage"),
                          std::string("00-0AF7651916CD43DD8448EB211C80319C-00f067aa0ba902b7-01"),  // upper case
                          std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),  // zero trace id
                          std::string("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"),  // zero parent id
                          std::string("ff-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"),  // version ff
                          kTp + "-x",                                                                // 00 has 4 fields
                          std::string("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-0"),
                          std::string("00_0af7651916cd43dd8448eb211c80319c_00f067aa0ba902b7_01"),
                          std::string("00-0af7651916cd43dd8448eb211c8031\"}-00f067aa0ba902b7-01")})
    EXPECT_EQ(trace_id_of(bad), std::nullopt) << bad;
}

TEST(TraceContext, HeaderFirstThenMeta) {
  const json with_meta{{"method", "tools/call"},
                       {"params", {{"_meta", {{"traceparent", "00-11111111111111111111111111111111-2222222222222222-01"}}}}}};
  EXPECT_EQ(trace_id_of_request(with_meta, kTp), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(trace_id_of_request(with_meta, ""), "11111111111111111111111111111111");
  EXPECT_EQ(trace_id_of_request(with_meta, "not-a-traceparent"), "11111111111111111111111111111111");
  EXPECT_EQ(trace_id_of_request(json{{"method", "x"}}, ""), std::nullopt);
  EXPECT_EQ(trace_id_of_request(json{{"params", {{"_meta", {{"traceparent", 5}}}}}}, ""), std::nullopt);
  EXPECT_EQ(trace_id_of_request(json::array(), ""), std::nullopt);
}

TEST(AccessLine, HasTheDocumentedFieldsInOrder) {
  AccessRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'764'522'123'456));
  r.transport = "http";
  r.method = "tools/call";
  r.tool = "echo";
  r.outcome = Outcome::Ok;
  r.status = 200;
  r.duration = 1'234'567ns;
  r.session = 3;
  r.trace_id = "0af7651916cd43dd8448eb211c80319c";
  EXPECT_EQ(format_access_line(r),
            R"({"time":"2025-11-30T17:02:03.456Z","transport":"http","method":"tools/call","tool":"echo",)"
            R"("outcome":"ok","status":200,"duration_ms":1.235,"session":"s3",)"
            R"("trace_id":"0af7651916cd43dd8448eb211c80319c"})");
}

TEST(AccessLine, OptionalFieldsLeftOutAndHostileStringsContained) {
  AccessRecord r;
  r.transport = "stdio";
  r.method = std::string("evil\"\n\x01") + std::string(500, 'm') + "\xff";
  r.outcome = Outcome::Cancelled;
  const json line = json::parse(format_access_line(r));  // one valid JSON object, whatever the input
  EXPECT_FALSE(line.contains("tool"));
  EXPECT_FALSE(line.contains("status"));
  EXPECT_FALSE(line.contains("session"));
  EXPECT_FALSE(line.contains("trace_id"));
  EXPECT_EQ(line["outcome"], "cancelled");
  EXPECT_LE(line["method"].get<std::string>().size(), kMaxLoggedChars);
  EXPECT_EQ(format_access_line(r).find('\n'), std::string::npos);
}

std::filesystem::path temp_file(const char* name) {
  return std::filesystem::temp_directory_path() / (std::string(name) + "." + std::to_string(::getpid()));
}

std::vector<json> read_lines(const std::filesystem::path& p) {
  std::vector<json> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST(RequestObservation, RecordsMetricsAndOneLogLinePerRequest) {
  const auto path = temp_file("mcp-access-test");
  std::filesystem::remove(path);
  Metrics m({"tools/call", "tools/list"});
  {
    auto log = AccessLog::open(path.string());
    {
      RequestObservation o("http", log, m);
      o.begin(json{{"jsonrpc", "2.0"},
                   {"id", 1},
                   {"method", "tools/call"},
                   {"params", {{"name", "echo"}, {"arguments", {{"token", "secret-arg"}}}}}},
              kTp);
      EXPECT_EQ(m.in_flight.value(), 1);
      *o.session_slot() = 42;
      o.finish(Outcome::Ok, 200);
      EXPECT_EQ(m.in_flight.value(), 0);
      o.finish(Outcome::Error, 500);  // ignored: once only
    }
    {
      RequestObservation o("stdio", log, m);
      o.begin(json{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
      EXPECT_EQ(m.in_flight.value(), 1);
    }  // never finished: the client went away
    {
      RequestObservation rejected("http", log, m);  // refused before its body was parsed
      rejected.finish(Outcome::Rejected, 406);
    }
    log->flush();
  }  // the writer thread drains the queue before the log goes
  EXPECT_EQ(m.in_flight.value(), 0);
  EXPECT_EQ(m.per_method[m.methods.index_of("tools/call")].requests[0].value(), 1u);
  EXPECT_EQ(m.per_method[m.methods.index_of("tools/call")].requests[1].value(), 0u);
  EXPECT_EQ(m.per_method[m.methods.index_of("tools/list")].requests[static_cast<int>(Outcome::Cancelled)].value(), 1u);
  EXPECT_EQ(m.per_method[m.methods.other()].requests[static_cast<int>(Outcome::Rejected)].value(), 1u);
  EXPECT_EQ(m.per_method[m.methods.index_of("tools/call")].duration.snapshot().count, 1u);

  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["method"], "tools/call");
  EXPECT_EQ(lines[0]["tool"], "echo");
  EXPECT_EQ(lines[0]["session"], "s42");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["trace_id"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(lines[0].dump().find("secret-arg"), std::string::npos);  // arguments are never logged
  EXPECT_EQ(lines[1]["transport"], "stdio");
  EXPECT_EQ(lines[1]["outcome"], "cancelled");
  EXPECT_FALSE(lines[1].contains("tool"));
  EXPECT_EQ(lines[2]["outcome"], "rejected");
  EXPECT_EQ(lines[2]["method"], "");
  EXPECT_EQ(lines[2]["status"], 406);
  std::filesystem::remove(path);
}

TEST(RequestObservation, WithoutAccessLogOnlyMetrics) {
  Metrics m({"tools/call"});
  {
    RequestObservation o("http", nullptr, m);
    o.begin(json{{"method", "tools/call"}, {"params", {{"name", "echo"}}}}, kTp);
    o.finish(Outcome::Timeout, 504);
  }
  EXPECT_EQ(m.per_method[0].requests[static_cast<int>(Outcome::Timeout)].value(), 1u);
}

TEST(UpstreamCallTimer, TimesIntoTheLegacyMethod) {
  Metrics m({"tools/call", "ping"});
  { UpstreamCallTimer t(json{{"method", "ping"}, {"id", 1}}, m); }
  { UpstreamCallTimer t(json{{"id", 1}}, m); }
  EXPECT_EQ(m.per_method[m.methods.index_of("ping")].upstream_duration.snapshot().count, 1u);
  EXPECT_EQ(m.per_method[m.methods.other()].upstream_duration.snapshot().count, 1u);
  EXPECT_EQ(m.per_method[m.methods.index_of("tools/call")].upstream_duration.snapshot().count, 0u);
}

TEST(AccessLog, UnopenableFileThrows) {
  // Under a regular file: no directory can be made there (spdlog creates missing directories).
  const auto file = temp_file("mcp-access-not-a-dir");
  std::ofstream(file) << "x";
  EXPECT_THROW(AccessLog::open((file / "access.log").string()), std::runtime_error);
  std::filesystem::remove(file);
}

// The restart counter's source: a child started after one failed or died is a restart, once.
TEST(RestartAccounting, OneRestartPerFailedOrDeadChild) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  upstream::RestartBackoff b(100ms, 1s, 10s, [&] { return now; });
  EXPECT_FALSE(b.claim_restart());  // first start
  b.died(now - 1s);
  EXPECT_TRUE(b.claim_restart());
  EXPECT_FALSE(b.claim_restart());  // a second session's child is not a restart
  b.start_failed();
  b.start_failed();
  EXPECT_TRUE(b.claim_restart());
  EXPECT_TRUE(b.claim_restart());
  EXPECT_FALSE(b.claim_restart());
}

}  // namespace
}  // namespace mcp::observe
