// The fact collector on code parsed by libclang: facts whose shape the AST
// decides (implicit conversions, base specifiers), which hand-built indexes
// in inference_test.cpp cannot show.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <clang-c/Index.h>

#include "engine/index/fact_collector.hpp"
#include "frontend/compile_units.hpp"
#include "frontend/unit_parser.hpp"
#include "lint_test_support.hpp"

namespace {

using namespace mcp_lint;
using lint_test::TempDir;

// `headers`: (name, content) written next to unit.cpp, in the scope like it.
index::UnitFacts facts_of(const std::string& source, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  TempDir tmp;
  const std::string file = tmp.write("unit.cpp", source);
  for (const auto& [name, content] : headers) tmp.write(name, content);
  CXIndex idx = clang_createIndex(0, 0);
  index::UnitFacts facts;
  {
    const ParsedUnit parsed = parse_unit_tu(idx, file, inferred_args({}));
    EXPECT_EQ(parsed.error(), CXError_Success);
    if (parsed.tu())
      facts = index::collect_facts(parsed.tu(), [&](const std::string& path) {
        return path.ends_with("/unit.cpp") || std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
                 return path.ends_with("/" + h.first);
               });
      });
  }
  clang_disposeIndex(idx);
  return facts;
}

// A lambda handed to a `const std::function<...>&` parameter is wrapped in an
// implicit constructor call that starts where the lambda starts; it is
// registered at the call taking it (`set_sampling_callback(`), like a lambda
// handed to a template parameter.
TEST(FactCollector, LambdaConvertedToAStdFunctionIsRegisteredAtTheCallTakingIt) {
  const auto facts = facts_of(R"(#include <functional>
struct Client {
  void set_sampling_callback(const std::function<int(int)>& cb);
  template <class F> void on(F f);
};
void install(Client& c) {
  c.set_sampling_callback(
      [](int x) { return x; });
  c.on(
      [](int y) { return y; });
}
)");
  std::vector<unsigned> registered;
  for (const auto& f : facts.functions)
    if (f.is_lambda) registered.push_back(f.registered_at.line);
  std::sort(registered.begin(), registered.end());
  EXPECT_EQ(registered, (std::vector<unsigned>{7, 9}));
  std::vector<unsigned> call_lines;
  for (const auto& c : facts.calls)
    if (c.name == "set_sampling_callback" || c.name == "on") call_lines.push_back(c.at.line);
  std::sort(call_lines.begin(), call_lines.end());
  EXPECT_EQ(call_lines, (std::vector<unsigned>{7, 9}));
}

// Base classes, template arguments of a base included; a CRTP base's
// argument naming the class itself is left out.
TEST(FactCollector, RecordsNameTheTypesTheirBasesName) {
  const auto facts = facts_of(R"(struct SamplingMessage {};
template <class T, class D> struct Builder { T value_; };
struct SamplingMessageBuilder : Builder<SamplingMessage, SamplingMessageBuilder> {};
)");
  const index::TypeFact* message = nullptr;
  const index::TypeFact* builder = nullptr;
  for (const auto& t : facts.types) {
    if (t.name == "SamplingMessage") message = &t;
    if (t.name == "SamplingMessageBuilder") builder = &t;
  }
  ASSERT_TRUE(message && builder);
  EXPECT_TRUE(builder->bases.count(message->usr)) << "bases: " << builder->bases.size();
  EXPECT_FALSE(builder->bases.count(builder->usr));
  EXPECT_TRUE(message->bases.empty());
}

}  // namespace

namespace {

// Every test program has a `main`, and libclang gives them all one USR: the
// project index would keep one of their bodies and lose the others' seeds.
// Each is named by its file (as static functions are), its locals with it.
TEST(FactCollector, MainIsNamedByItsFile) {
  const auto facts = facts_of(R"(int helper(int x) { return x; }
int main() {
  int local = helper(1);
  return local;
}
)");
  const auto main_fn = std::find_if(facts.functions.begin(), facts.functions.end(), [](const auto& f) { return f.name == "main"; });
  ASSERT_NE(main_fn, facts.functions.end());
  EXPECT_TRUE(main_fn->usr.starts_with("c:/")) << main_fn->usr;
  EXPECT_TRUE(main_fn->usr.ends_with("/unit.cpp@F@main#")) << main_fn->usr;
  const auto call = std::find_if(facts.calls.begin(), facts.calls.end(), [](const auto& c) { return c.name == "helper"; });
  ASSERT_NE(call, facts.calls.end());
  EXPECT_EQ(call->caller, main_fn->usr);
  const auto helper = std::find_if(facts.functions.begin(), facts.functions.end(), [](const auto& f) { return f.name == "helper"; });
  ASSERT_NE(helper, facts.functions.end());
  EXPECT_EQ(helper->usr, "c:@F@helper#I#");
}

// The facts behind a feature's modules (feature_modules.hpp): each block of a
// namespace (a nested `a::sampling` declaration opens both), where an alias or
// a using directive names one, and the #include of a project header (not of a
// system header).
TEST(FactCollector, NamespacesTheirAliasesAndIncludesOfProjectHeaders) {
  const auto facts = facts_of(R"(#include <vector>
#include "sampling.hpp"
namespace app::sampling {
int twice(int x) { return 2 * x; }
}  // namespace app::sampling
namespace s = app::sampling;
using namespace app::sampling;
namespace {
int unnamed() { return 0; }
}
)",
                              {{"sampling.hpp", "namespace app::sampling {\nint twice(int x);\n}\n"}});
  const auto ns = std::find_if(facts.namespaces.begin(), facts.namespaces.end(),
                               [](const auto& n) { return n.qualified == "app::sampling" && !n.blocks.empty(); });
  ASSERT_NE(ns, facts.namespaces.end());
  std::vector<std::pair<unsigned, unsigned>> unit_blocks;  // (line, last line) in unit.cpp
  for (const auto& n : facts.namespaces)
    if (n.usr == ns->usr)
      for (const auto& b : n.blocks)
        if (facts.files[b.at.file].ends_with("/unit.cpp")) unit_blocks.emplace_back(b.at.line, b.last_line);
  EXPECT_EQ(unit_blocks, (std::vector<std::pair<unsigned, unsigned>>{{3, 5}}));
  std::vector<unsigned> aliases;
  for (const auto& n : facts.namespaces)
    if (n.usr == ns->usr)
      for (const auto& a : n.aliases) aliases.push_back(a.line);
  std::sort(aliases.begin(), aliases.end());
  EXPECT_EQ(aliases, (std::vector<unsigned>{6, 7}));
  EXPECT_TRUE(std::none_of(facts.namespaces.begin(), facts.namespaces.end(), [](const auto& n) { return n.qualified.empty(); }));
  ASSERT_EQ(facts.includes.size(), 1u);  // <vector> is a system header
  EXPECT_EQ(facts.includes[0].at.line, 2u);
  EXPECT_TRUE(facts.files[facts.includes[0].header.file].ends_with("/sampling.hpp"));
}

// The messages of thrown exceptions keep their words (letters, lower case, 4
// or more); a log line's text, keys, one-word strings and namespace-scope text
// are not kept.
TEST(FactCollector, ThrownTextsKeepTheirWords) {
  const auto facts = facts_of(R"(const char* banner = "Sampling server ready";
void log(const char* text);
struct Error { Error(const char* m); };
void check(bool ok) {
  if (!ok) throw Error("No sampling handler (v2) configured!");
  log("sampling handler installed");
  const char* key = "maxTokens";
  if (!key) throw "sampling";
}
)");
  ASSERT_EQ(facts.thrown_texts.size(), 1u);
  EXPECT_EQ(facts.thrown_texts[0].at.line, 5u);
  EXPECT_EQ(facts.thrown_texts[0].words, (std::set<std::string>{"sampling", "handler", "configured"}));
}

}  // namespace
