#include "upstream/sse_parser.hpp"

#include <gtest/gtest.h>

#include "upstream/http_url.hpp"

using namespace mcp::upstream;

namespace {
std::vector<SseEvent> parse_all(std::string_view s, std::size_t max = 1 << 20) {
  SseParser p(max);
  std::vector<SseEvent> out;
  EXPECT_TRUE(p.feed(s, out)) << p.error();
  return out;
}
}  // namespace

TEST(SseParser, SingleEvent) {
  auto ev = parse_all("data: {\"a\":1}\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, "message");
  EXPECT_EQ(ev[0].data, "{\"a\":1}");
}

TEST(SseParser, MultiLineDataJoinedWithNewline) {
  auto ev = parse_all("data: one\ndata:two\ndata:  three\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "one\ntwo\n three");  // only one leading space is stripped
}

TEST(SseParser, CrLfAndCrLineEndings) {
  auto ev = parse_all("data: a\r\n\r\ndata: b\r\rdata: c\n\n");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].data, "a");
  EXPECT_EQ(ev[1].data, "b");
  EXPECT_EQ(ev[2].data, "c");
}

TEST(SseParser, ByteByByteFeedingGivesSameEvents) {
  const std::string stream = "id: 7\r\nevent: message\r\ndata: x\r\n\r\n: comment\r\ndata: y\r\n\r\n";
  SseParser p;
  std::vector<SseEvent> out;
  for (char c : stream) ASSERT_TRUE(p.feed(std::string_view(&c, 1), out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data, "x");
  EXPECT_EQ(out[0].id, "7");
  EXPECT_EQ(out[1].data, "y");
  EXPECT_EQ(out[1].id, "7");  // the last event id persists
}

TEST(SseParser, CrAtChunkEndFollowedByLfIsOneLineEnd) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("data: a\r", out));
  ASSERT_TRUE(p.feed("\n\r", out));
  ASSERT_TRUE(p.feed("\n", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "a");
}

TEST(SseParser, CommentsAndUnknownFieldsIgnored) {
  auto ev = parse_all(": keep-alive\nfoo: bar\ndata: z\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "z");
}

TEST(SseParser, PrimingEventSetsIdAndHasEmptyData) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("id: prime-1\ndata:\n\n", out));
  // "data:" with an empty value is a data field: dispatched with empty data.
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "");
  EXPECT_EQ(p.last_event_id(), "prime-1");
  out.clear();
  ASSERT_TRUE(p.feed("id: only-id\n\n", out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p.last_event_id(), "only-id");
}

TEST(SseParser, EventTypeAndReset) {
  auto ev = parse_all("event: ping\ndata: 1\n\ndata: 2\n\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].type, "ping");
  EXPECT_EQ(ev[1].type, "message");
}

TEST(SseParser, RetryField) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("retry: 1500\n\nretry: abc\n\n", out));
  ASSERT_TRUE(p.retry().has_value());
  EXPECT_EQ(p.retry()->count(), 1500);
}

TEST(SseParser, NoColonMeansFieldWithEmptyValue) {
  auto ev = parse_all("data\ndata\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "\n");
}

TEST(SseParser, IncompleteEventAtEndIsNotDispatched) {
  auto ev = parse_all("data: partial\n");
  EXPECT_TRUE(ev.empty());
}

TEST(SseParser, LeadingBomStripped) {
  auto ev = parse_all("\xEF\xBB\xBF" "data: b\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "b");
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("\xEF", out));
  ASSERT_TRUE(p.feed("\xBB\xBF" "data: c\n\n", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "c");
}

TEST(SseParser, OversizedLineFails) {
  SseParser p(64);
  std::vector<SseEvent> out;
  EXPECT_FALSE(p.feed("data: " + std::string(100, 'x'), out));
  EXPECT_TRUE(p.failed());
  EXPECT_NE(p.error().find("exceeds"), std::string::npos);
  EXPECT_FALSE(p.feed("data: ok\n\n", out));  // stays failed
}

TEST(SseParser, OversizedEventAcrossManyLinesFails) {
  SseParser p(64);
  std::vector<SseEvent> out;
  bool ok = true;
  for (int i = 0; i < 20 && ok; ++i) ok = p.feed("data: 0123456789\n", out);
  EXPECT_FALSE(ok);
  EXPECT_TRUE(out.empty());
}

TEST(SseParser, IdWithNulIgnored) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed(std::string("id: a\0b\n\n", 9), out));
  EXPECT_EQ(p.last_event_id(), "");
}

TEST(HttpUrl, Parses) {
  std::string err;
  auto u = parse_http_url("http://127.0.0.1:3001/mcp", err);
  ASSERT_TRUE(u) << err;
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "3001");
  EXPECT_EQ(u->target, "/mcp");
  u = parse_http_url("https://example.com", err);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");
  u = parse_http_url("http://[::1]:8080/a?b=c", err);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/a?b=c");
  EXPECT_EQ(u->host_header, "[::1]:8080");
}

TEST(HttpUrl, Rejects) {
  std::string err;
  EXPECT_FALSE(parse_http_url("ftp://x/", err));
  EXPECT_FALSE(parse_http_url("http://user:pw@x/", err));
  EXPECT_FALSE(parse_http_url("http://x:99999/", err));
  EXPECT_FALSE(parse_http_url("http://x/a b", err));
  EXPECT_FALSE(parse_http_url("http:///mcp", err));
  EXPECT_FALSE(parse_http_url("http://x/#frag", err));
}
