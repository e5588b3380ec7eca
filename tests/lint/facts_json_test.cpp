// The index facts' JSON form (engine/index/facts_json.*), which the result
// cache stores: a cached unit must give the inference exactly what a fresh
// parse gives. Exhaustive by construction: Boost.PFR walks every field of
// every fact struct, so a field added to facts.hpp fails here until the
// sample below sets it and the serialiser writes and reads it.
#include <gtest/gtest.h>

#include <boost/pfr.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include "engine/index/facts_json.hpp"

using namespace mcp_lint::index;

namespace {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

// Fact structs (aggregates of our own, walked field by field) as opposed to
// values compared as a whole (strings, numbers, sets, Loc, pairs).
template <class T>
constexpr bool is_fact_struct = std::is_aggregate_v<T> && !is_vector<T>::value && !std::is_same_v<T, Loc> &&
                                !std::is_array_v<T> && std::is_class_v<T> && !requires(const T& t) { t.first; };

template <class T>
bool is_default(const T& v) {
  if constexpr (requires { v.empty(); }) return v.empty();
  else return v == T{};
}

// Appends "Struct.field#i" for every field that holds its default value
// (recursively: each element of a vector of facts is checked).
template <class T>
void unset_fields(const T& value, const std::string& where, std::vector<std::string>& out) {
  boost::pfr::for_each_field(value, [&](const auto& field, auto idx) {
    using F = std::decay_t<decltype(field)>;
    const std::string here = where + "#" + std::to_string(decltype(idx)::value);
    if (is_default(field)) out.push_back(here);
    if constexpr (is_vector<F>::value) {
      if constexpr (is_fact_struct<typename F::value_type>)
        for (const auto& element : field) unset_fields(element, here, out);
    }
  });
}

template <class T>
bool same(const T& a, const T& b) {
  if constexpr (is_vector<T>::value) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  } else if constexpr (is_fact_struct<T>) {
    bool equal = true;
    boost::pfr::for_each_field(a, [&](const auto& field, auto idx) {
      equal = equal && same(field, boost::pfr::get<decltype(idx)::value>(b));
    });
    return equal;
  } else {
    return a == b;
  }
}

// A unit in which every field of every fact differs from its default.
UnitFacts full_sample() {
  UnitFacts u;
  u.files = {"/p/a.cpp", "/p/a.hpp"};
  const Loc a{0, 10, 3}, b{1, 20, 5};
  FunctionFact f;
  f.usr = "c:@N@app@S@Client@F@create_message#";
  f.name = "create_message";
  f.qualified = "app::Client::create_message";
  f.parent_usr = "c:@N@app@S@Client";
  f.arity = 2;
  f.decls = {a, b};
  f.has_body = true;
  f.body_begin = a;
  f.body_end = 42;
  f.overrides = {"c:@N@app@S@Base@F@create_message#"};
  f.type_usrs = {"c:@N@app@S@Request", "c:@N@app@S@Result"};
  f.is_lambda = true;
  f.registered_at = b;
  u.functions = {f};
  u.calls = {CallFact{"c:@F@main#", f.usr, "create_message", 2, true, "c:@F@main#@res", b}};
  TypeFact t;
  t.usr = "c:@N@app@E@LoggingLevel";
  t.name = "Value";
  t.qualified = "app::LoggingLevel::Value";
  t.parent_name = "LoggingLevel";
  t.is_enum = true;
  t.decls = {b};
  t.enumerators = {"debug", "info"};
  t.enumerator_usrs = {"c:@N@app@E@LoggingLevel@debug"};
  t.aliased = {"c:@N@app@S@Other"};
  t.bases = {"c:@N@app@S@Base"};
  t.enumerator_decls = {a};
  u.types = {t};
  VarFact v;
  v.usr = "c:@N@app@S@Client@FI@roots_";
  v.name = "roots_";
  v.owner = "c:@N@app@S@Client";
  v.is_field = true;
  v.is_param = true;  // (not both in a real unit: the sample sets every field)
  v.type_usrs = {"c:@N@app@S@Root"};
  v.decls = {a};
  v.string_values = {"debug", "info"};
  v.last_line = 12;
  u.vars = {v};
  u.refs = {RefFact{v.usr, f.usr, b}};
  u.method_literals = {MethodLiteralFact{f.usr, "sampling/createMessage", a}};
  u.key_literals = {KeyLiteralFact{f.usr, b, "maxTokens"}};
  MacroFact m;
  m.name = "SEND_SAMPLING";
  m.identifiers = {"create_message"};
  m.definitions = {a};
  u.macros = {m};
  u.macro_expansions = {{"SEND_SAMPLING", b}};
  u.thrown_texts = {ThrownTextFact{f.usr, a, {"sampling", "handler"}}};
  u.namespaces = {NamespaceFact{"c:@N@app@N@sampling", "app::sampling", {NamespaceBlock{a, 40}}, {b}}};
  u.includes = {IncludeFact{a, Loc{1, 0, 0}}};
  return u;
}

TEST(FactsJson, TheSampleSetsEveryFieldOfEveryFact) {
  // Fails when facts.hpp gains a field: set it in full_sample(), then make
  // RoundTripKeepsEveryField pass by serialising it in facts_json.cpp.
  std::vector<std::string> unset;
  unset_fields(full_sample(), "UnitFacts", unset);
  EXPECT_TRUE(unset.empty()) << "fields left at their default (UnitFacts#field-index, nested): " << ::testing::PrintToString(unset);
}

TEST(FactsJson, RoundTripKeepsEveryField) {
  const UnitFacts in = full_sample();
  const auto text = facts_to_json(in).dump();
  const UnitFacts out = facts_from_json(nlohmann::json::parse(text));
  EXPECT_TRUE(same(in, out)) << text;
  // Each struct on its own, so a failure names the one that lost a field.
  EXPECT_TRUE(same(in.functions, out.functions));
  EXPECT_TRUE(same(in.types, out.types));
  EXPECT_TRUE(same(in.vars, out.vars));
  EXPECT_TRUE(same(in.macros, out.macros));
  EXPECT_TRUE(same(in.calls, out.calls));
}

TEST(FactsJson, TheComparisonSeesADroppedField) {
  // Guards the test itself: `same` must notice one field that differs.
  UnitFacts changed = full_sample();
  changed.functions[0].body_end = 43;
  EXPECT_FALSE(same(full_sample(), changed));
  changed = full_sample();
  changed.types[0].aliased.clear();
  EXPECT_FALSE(same(full_sample(), changed));
}

TEST(FactsJson, MalformedDocumentsThrow) {
  auto j = facts_to_json(full_sample());
  auto broken = j;
  broken.erase("calls");
  EXPECT_THROW(facts_from_json(broken), nlohmann::json::exception);
  broken = j;
  broken["functions"][0]["arity"] = "two";
  EXPECT_THROW(facts_from_json(broken), nlohmann::json::exception);
  broken = j;
  broken["refs"][0]["at"] = nlohmann::json::array({7, 1, 1});  // file #7 of a 2-file unit
  EXPECT_THROW(facts_from_json(broken), std::out_of_range);
  broken = j;
  broken["calls"][0]["at"] = nlohmann::json::array({0, 1});
  EXPECT_THROW(facts_from_json(broken), nlohmann::json::exception);
}

TEST(FactsJson, MergedIndexIsTheSameFromJson) {
  ProjectIndex fresh, cached;
  fresh.merge(full_sample());
  cached.merge(facts_from_json(nlohmann::json::parse(facts_to_json(full_sample()).dump())));
  EXPECT_EQ(fresh.calls, cached.calls);
  EXPECT_EQ(fresh.refs, cached.refs);
  ASSERT_EQ(cached.functions.size(), 1u);
  EXPECT_TRUE(same(fresh.functions.begin()->second, cached.functions.begin()->second));
  EXPECT_EQ(cached.path(cached.functions.begin()->second.body_begin.file), "/p/a.cpp");
}

// Two parses of one unit (its variant, lint/frontend/variant_defines.hpp)
// become one unit's facts through the index: as_unit() loses nothing that a
// project merging it would see, and adds nothing twice.
TEST(FactsJson, MergedFactsAsOneUnitMergeToTheSameIndex) {
  UnitFacts other = full_sample();
  other.files = {"/p/b.cpp", "/p/a.cpp"};  // the same paths interned in another order
  for (auto& f : other.functions) f.usr += "-variant";
  ProjectIndex both;
  both.merge(full_sample());
  both.merge(other);
  ProjectIndex again;
  again.merge(both.as_unit());
  EXPECT_EQ(again.functions.size(), 2u);
  EXPECT_EQ(again.calls, both.calls);
  EXPECT_EQ(again.refs, both.refs);
  EXPECT_EQ(again.macro_expansions, both.macro_expansions);
  for (const auto& [usr, f] : both.functions) {
    ASSERT_TRUE(again.functions.count(usr)) << usr;
    EXPECT_TRUE(same(f, again.functions.at(usr))) << usr;
  }
  again.merge(both.as_unit());  // idempotent
  EXPECT_EQ(again.calls, both.calls);
  EXPECT_EQ(again.functions.size(), 2u);
}

}  // namespace
