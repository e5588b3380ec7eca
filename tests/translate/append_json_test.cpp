// translate/append_json.hpp: the same text as json::dump, appended, for each error handler.
#include "translate/append_json.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

using mcp::translate::append_json;
using mcp::translate::json_text;
using nlohmann::json;

namespace {

json sample() {
  return json::parse(R"({"b":[1,2.5,-3e-7,true,null,"x\"y\n"],"a":{"\u00e9":"\u2603","z":{}},"n":1e300,"u":18446744073709551615})");
}

}  // namespace

TEST(AppendJson, WritesWhatDumpReturnsAfterWhatIsThere) {
  for (bool ascii : {false, true}) {
    std::string out = "x";
    append_json(out, sample(), ascii);
    EXPECT_EQ(out, "x" + sample().dump(-1, ' ', ascii));
  }
  std::string out;
  append_json(out, json(42), false);
  append_json(out, json("s"), false);
  EXPECT_EQ(out, "42\"s\"");
}

TEST(AppendJson, JsonTextIsWhatDumpReturns) {
  for (bool ascii : {false, true}) EXPECT_EQ(json_text(sample(), ascii), sample().dump(-1, ' ', ascii));
  const json bad = {{"k", std::string("a\xff" "b")}};
  EXPECT_EQ(json_text(bad, false, json::error_handler_t::replace),
            bad.dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(AppendJson, InvalidUtf8FollowsTheHandler) {
  const json bad = {{"k", std::string("a\xff" "b")}};
  for (auto handler : {json::error_handler_t::replace, json::error_handler_t::ignore}) {
    std::string out;
    append_json(out, bad, false, handler);
    EXPECT_EQ(out, bad.dump(-1, ' ', false, handler));
  }
  std::string out;
  EXPECT_THROW(append_json(out, bad, false), json::type_error);
  out.clear();
  append_json(out, json::object({{"k", "v"}}), false);  // the thread's serializer still works
  EXPECT_EQ(out, R"({"k":"v"})");
}

TEST(AppendJson, EachThreadWritesItsOwnText) {
  std::vector<std::thread> threads;
  std::array<bool, 4> same{};  // one element per thread (not vector<bool>: shared bytes)
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &same] {
      bool all = true;
      for (int i = 0; i < 2000; ++i) {
        const json v = {{"thread", t}, {"i", i}, {"body", sample()}};
        std::string out;
        append_json(out, v, t % 2 == 0);
        all = all && out == v.dump(-1, ' ', t % 2 == 0);
      }
      same[t] = all;
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(same[t]) << "thread " << t;
}
