#include "downstream/line_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using mcp::downstream::LineSplitter;

namespace {
struct Collected {
  std::vector<std::string> lines;
  int oversize = 0;
};
void feed(LineSplitter& s, Collected& c, std::string_view data) {
  s.feed(data, [&](std::string_view l) { c.lines.emplace_back(l); }, [&] { ++c.oversize; });
}
}  // namespace

TEST(LineSplitter, SplitsAcrossChunksAndStripsCarriageReturn) {
  LineSplitter s(100);
  Collected c;
  feed(s, c, "{\"a\":1}\n{\"b\"");
  feed(s, c, ":2}\r\n\n");
  ASSERT_EQ(c.lines.size(), 3u);
  EXPECT_EQ(c.lines[0], "{\"a\":1}");
  EXPECT_EQ(c.lines[1], "{\"b\":2}");
  EXPECT_EQ(c.lines[2], "");
  EXPECT_EQ(c.oversize, 0);
}

TEST(LineSplitter, OversizeLineIsReportedOnceAndSkippedToItsNewline) {
  LineSplitter s(8);
  Collected c;
  feed(s, c, "0123456789");
  feed(s, c, "abcdef");
  feed(s, c, "ghi\nok\n");
  EXPECT_EQ(c.oversize, 1);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0], "ok");
}

TEST(LineSplitter, FinishReturnsUnterminatedLastLine) {
  LineSplitter s(100);
  Collected c;
  feed(s, c, "one\ntwo");
  ASSERT_EQ(c.lines.size(), 1u);
  auto last = s.finish();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, "two");
  EXPECT_FALSE(s.finish());
}
