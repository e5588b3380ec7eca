// The Prometheus text exposition of a Metrics registry built here (not the
// process one), checked line by line against the format's rules, written out
// independently of the renderer: escaping, cumulative buckets ending at +Inf,
// _sum and _count, bounded method labels.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "observe/exposition.hpp"
#include "observe/metrics.hpp"

namespace mcp::observe {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(text))
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  return out;
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(escape_label_value(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(escape_label_value("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(escape_label_value("tools/call"), "tools/call");
  EXPECT_EQ(escape_help("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");  // quotes stay in HELP
}

TEST(Exposition, FormatsValues) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(5), "5");
  EXPECT_EQ(format_value(0.0025), "0.0025");
  EXPECT_EQ(format_value(60), "60");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
}

TEST(Exposition, MethodLabelIsBoundedToKnownNamesPlusOther) {
  Metrics m({"tools/call", "tools/list"});
  EXPECT_EQ(m.methods.size(), 3u);
  EXPECT_EQ(m.methods.name(m.methods.index_of("tools/call")), "tools/call");
  EXPECT_EQ(m.methods.name(m.methods.index_of("made/up")), "other");
  EXPECT_EQ(m.methods.name(m.methods.index_of("")), "other");
  for (int i = 0; i < 100; ++i) m.record_request(m.methods.index_of("x" + std::to_string(i)), Outcome::Ok, 1ms);
  const auto text = render_text(m);
  EXPECT_EQ(lines_starting(text, "mcp_bridge_requests_total{").size(), 1u) << text;
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_requests_total{method="other",outcome="ok"} 100)")) << text;
}

TEST(Exposition, CountersByMethodAndOutcomeOnlyWhenSeen) {
  Metrics m({"tools/call", "tools/list"});
  const auto call = m.methods.index_of("tools/call");
  for (int i = 0; i < 5; ++i) m.record_request(call, Outcome::Ok, 2ms);
  m.record_request(call, Outcome::Timeout, 3s);
  const auto text = render_text(m);
  EXPECT_TRUE(has_line(text, "# TYPE mcp_bridge_requests_total counter"));
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_requests_total{method="tools/call",outcome="ok"} 5)")) << text;
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_requests_total{method="tools/call",outcome="timeout"} 1)")) << text;
  EXPECT_TRUE(lines_starting(text, R"(mcp_bridge_requests_total{method="tools/list")").empty()) << text;
  EXPECT_TRUE(lines_starting(text, R"(mcp_bridge_request_duration_seconds_bucket{method="tools/list")").empty());
}

TEST(Exposition, HistogramBucketsAreCumulativeEndWithInfAndMatchCount) {
  Metrics m({"tools/call"});
  const auto call = m.methods.index_of("tools/call");
  m.record_request(call, Outcome::Ok, 500us);   // <= 0.001
  m.record_request(call, Outcome::Ok, 1ms);     // == 0.001: `le` includes the bound
  m.record_request(call, Outcome::Ok, 20ms);    // <= 0.025
  m.record_request(call, Outcome::Ok, 90s);     // beyond 60: +Inf only
  const auto text = render_text(m);
  const std::string p = R"(mcp_bridge_request_duration_seconds_bucket{method="tools/call",le=")";
  EXPECT_TRUE(has_line(text, p + R"(0.001"} 2)")) << text;
  EXPECT_TRUE(has_line(text, p + R"(0.0025"} 2)")) << text;
  EXPECT_TRUE(has_line(text, p + R"(0.01"} 2)")) << text;
  EXPECT_TRUE(has_line(text, p + R"(0.025"} 3)")) << text;
  EXPECT_TRUE(has_line(text, p + R"(60"} 3)")) << text;
  EXPECT_TRUE(has_line(text, p + R"(+Inf"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_request_duration_seconds_count{method="tools/call"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_request_duration_seconds_sum{method="tools/call"} 90.0215)")) << text;

  // Buckets in ascending `le`, +Inf last, never decreasing, and followed by _sum then _count.
  const auto buckets = lines_starting(text, p);
  ASSERT_EQ(buckets.size(), kDurationBuckets.size() + 1);
  EXPECT_NE(buckets.back().find(R"(le="+Inf")"), std::string::npos);
  long previous = -1;
  for (const auto& b : buckets) {
    long v = std::stol(b.substr(b.rfind(' ') + 1));
    EXPECT_GE(v, previous) << b;
    previous = v;
  }
  const auto all = lines_of(text);
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i] == buckets.back()) {
      ASSERT_LT(i + 2, all.size());
      EXPECT_EQ(all[i + 1].rfind("mcp_bridge_request_duration_seconds_sum{", 0), 0u);
      EXPECT_EQ(all[i + 2].rfind("mcp_bridge_request_duration_seconds_count{", 0), 0u);
    }
}

TEST(Exposition, EscapesHostileLabelValues) {
  // Label values come from fixed tables today; the writer escapes whatever it is given.
  Metrics m({"we\"ird\\name\nx"});
  m.record_request(0, Outcome::Error, 1ms);
  const auto text = render_text(m);
  EXPECT_TRUE(has_line(text, R"(mcp_bridge_requests_total{method="we\"ird\\name\nx",outcome="error"} 1)")) << text;
}

TEST(Exposition, UnlabelledFamiliesAlwaysPresentWithHelpAndType) {
  Metrics m({"tools/call"});
  m.in_flight.inc();
  m.in_flight.inc();
  m.in_flight.dec();
  m.received_bytes.inc(123);
  m.sessions_open.add(2);
  m.record_eviction(EvictReason::Idle);
  m.child_restarts.inc();
  m.pool_waits.inc();
  m.pool_wait_duration.observe(3ms);
  m.access_log_dropped = [] { return std::uint64_t{7}; };
  const auto text = render_text(m);
  for (const char* line : {"# TYPE mcp_bridge_requests_in_flight gauge", "mcp_bridge_requests_in_flight 1",
                           "# TYPE mcp_bridge_received_bytes_total counter", "mcp_bridge_received_bytes_total 123",
                           "mcp_bridge_sent_bytes_total 0", "mcp_bridge_upstream_sessions_open 2",
                           "mcp_bridge_upstream_sessions_initializing 0",
                           R"(mcp_bridge_upstream_sessions_evicted_total{reason="idle"} 1)",
                           R"(mcp_bridge_upstream_sessions_evicted_total{reason="capacity"} 0)",
                           "mcp_bridge_upstream_child_restarts_total 1", "mcp_bridge_pool_waits_total 1",
                           "# TYPE mcp_bridge_pool_wait_duration_seconds histogram",
                           R"(mcp_bridge_pool_wait_duration_seconds_bucket{le="0.0025"} 0)",
                           R"(mcp_bridge_pool_wait_duration_seconds_bucket{le="0.005"} 1)",
                           R"(mcp_bridge_pool_wait_duration_seconds_bucket{le="+Inf"} 1)",
                           "mcp_bridge_pool_wait_duration_seconds_count 1",
                           "mcp_bridge_access_log_dropped_total 7"})
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  // Every family has HELP and TYPE; every sample line belongs to a declared family.
  std::vector<std::string> families;
  for (const auto& l : lines_of(text))
    if (l.rfind("# TYPE ", 0) == 0) families.push_back(l.substr(7, l.find(' ', 7) - 7));
  for (const auto& f : families) EXPECT_TRUE(!lines_starting(text, "# HELP " + f + " ").empty()) << f;
  for (const auto& l : lines_of(text)) {
    if (l.empty() || l[0] == '#') continue;
    bool declared = false;
    for (const auto& f : families) declared |= l.rfind(f, 0) == 0;
    EXPECT_TRUE(declared) << l;
  }
  EXPECT_EQ(text.back(), '\n');
}

TEST(Outcome, OfReplyFollowsTheDocumentedRules) {
  EXPECT_EQ(outcome_of_reply(200, false), Outcome::Ok);
  EXPECT_EQ(outcome_of_reply(202, false), Outcome::Ok);
  EXPECT_EQ(outcome_of_reply(200, true), Outcome::Error);  // a forwarded upstream error
  EXPECT_EQ(outcome_of_reply(502, true), Outcome::Error);
  EXPECT_EQ(outcome_of_reply(503, true), Outcome::Error);
  EXPECT_EQ(outcome_of_reply(400, true), Outcome::Rejected);
  EXPECT_EQ(outcome_of_reply(404, true), Outcome::Rejected);
  EXPECT_EQ(outcome_of_reply(401, true), Outcome::Rejected);
  EXPECT_EQ(outcome_of_reply(504, true), Outcome::Timeout);
}

// mcp-bridge without --metrics-listen switches recording off (main.cpp):
// nothing is counted, and switching it back on counts again.
TEST(Recording, OffIgnoresEveryUpdateAndOnCountsAgain) {
  Metrics m({"tools/call"});
  set_recording(false);
  m.record_request(0, Outcome::Ok, 2ms);
  m.in_flight.inc();
  m.sent_bytes.inc(10);
  m.pool_wait_duration.observe(1ms);
  const bool was_off = !recording();
  set_recording(true);
  EXPECT_TRUE(was_off);
  EXPECT_EQ(m.per_method[0].requests[0].value(), 0u);
  EXPECT_EQ(m.per_method[0].duration.snapshot().count, 0u);
  EXPECT_EQ(m.in_flight.value(), 0);
  EXPECT_EQ(m.sent_bytes.value(), 0u);
  EXPECT_EQ(m.pool_wait_duration.snapshot().count, 0u);
  m.record_request(0, Outcome::Ok, 2ms);
  m.sent_bytes.inc(10);
  EXPECT_EQ(m.per_method[0].requests[0].value(), 1u);
  EXPECT_EQ(m.per_method[0].duration.snapshot().count, 1u);
  EXPECT_EQ(m.sent_bytes.value(), 10u);
}

}  // namespace
}  // namespace mcp::observe
