// The propagation of engine/inference/ on hand-built project indexes: which
// functions become feature APIs, which callers follow them, and what stays
// silent (generic dispatchers, names alone).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/inference/named_for_feature.hpp"
#include "engine/inference/propagation.hpp"
#include "engine/inference/vocabulary.hpp"
#include "engine/rule_pack.hpp"

namespace {

using namespace mcp_lint;
using index::Loc;

// The vocabulary the linter ships (rules/features.yaml): the tests exercise
// the inference with the data users run it with.
const FeatureCatalog& catalog() {
  static const FeatureCatalog c = load_feature_file(std::string(MCP_LINT_SOURCE_RULES_DIR) + "/" + kFeatureFile);
  return c;
}

std::vector<inference::Inferred> infer(const index::ProjectIndex& idx, const std::vector<inference::Seed>& seeds,
                                       const inference::InferenceOptions& options = {}) {
  return inference::infer(idx, seeds, catalog(), options);
}

struct Builder {
  index::ProjectIndex idx;
  std::uint32_t file = idx.intern("/src/a.cpp");

  index::FunctionFact& fn(const std::string& usr, const std::string& name, unsigned decl, unsigned body_end, unsigned arity = 0) {
    auto& f = idx.functions[usr];
    f.usr = usr;
    f.name = name;
    f.qualified = "app::" + name;
    f.arity = arity;
    f.decls.insert(Loc{file, decl, 1});
    f.has_body = true;
    f.body_begin = Loc{file, decl, 1};
    f.body_end = body_end;
    return f;
  }
  // A local variable of `owner` declared at (line, column).
  index::VarFact& local(const std::string& usr, const std::string& name, const std::string& owner, unsigned line,
                        unsigned column = 3) {
    auto& v = idx.vars[usr];
    v.usr = usr;
    v.name = name;
    v.owner = owner;
    v.decls.insert(Loc{file, line, column});
    return v;
  }
  void call(const std::string& caller, const std::string& callee, unsigned line, bool returned = false) {
    idx.calls.insert(index::CallFact{caller, callee, "", 0, returned, "", Loc{file, line, 3}});
  }
  // A seed on a method string ("sampling/createMessage" written at `line` in `in_function`).
  inference::Seed seed(const std::string& feature, unsigned line, const std::string& in_function,
                       const std::string& method = "sampling/createMessage") {
    idx.method_literals.insert(index::MethodLiteralFact{in_function, method, Loc{file, line, 5}});
    return inference::Seed{feature, Loc{file, line, 5}, "sends or handles " + method};
  }
  // A seed on a capability key or a field (no method string).
  inference::Seed key_seed(const std::string& feature, unsigned line) {
    return inference::Seed{feature, Loc{file, line, 5}, "declares or reads the deprecated `" + feature + "` capability"};
  }
};

std::vector<unsigned> lines_of(const std::vector<inference::Inferred>& found, const std::string& feature, int min_conf = 0) {
  std::vector<unsigned> out;
  for (const auto& f : found)
    if (f.feature == feature && f.confidence >= min_conf) out.push_back(f.at.line);
  std::sort(out.begin(), out.end());
  return out;
}

// A site of `feature` at `line`, of at least medium confidence (what a default run reports).
bool sure_at(const std::vector<inference::Inferred>& found, const std::string& feature, unsigned line) {
  const auto sure = lines_of(found, feature, inference::kMediumConfidence);
  return std::find(sure.begin(), sure.end(), line) != sure.end();
}

TEST(Inference, FunctionHoldingASeedIsAnApiAndItsCallsCount) {
  Builder b;
  b.fn("c:create", "create_message", 10, 12);
  b.fn("c:use", "summarize", 20, 25);
  b.call("c:use", "c:create", 22);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:create")});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 22}));
  // summarize is no wrapper and carries no feature word: its own declaration is silent.
  const auto it = std::find_if(found.begin(), found.end(), [](const auto& f) { return f.at.line == 22; });
  ASSERT_NE(it, found.end());
  EXPECT_GE(it->confidence, inference::kHighConfidence);
  ASSERT_EQ(it->chain.size(), 1u);
  EXPECT_EQ(it->chain[0].at.line, 11u);
  const std::string why = inference::explain(*it, [](Loc l) { return "a.cpp:" + std::to_string(l.line); });
  EXPECT_EQ(why, "calls app::create_message, which sends or handles sampling/createMessage at a.cpp:11");
}

TEST(Inference, GenericDispatcherCalledWithASeedDoesNotMakeEveryCallerASite) {
  Builder b;
  b.fn("c:send", "send_request", 1, 3, 2);  // sends whatever method it is given
  b.fn("c:sample", "ask", 10, 12);          // passes "sampling/createMessage" to send_request
  b.fn("c:tools", "list_tools", 20, 22);    // passes "tools/list"
  b.fn("c:other", "refresh", 30, 32);
  b.call("c:sample", "c:send", 11);
  b.call("c:tools", "c:send", 21);
  b.call("c:other", "c:tools", 31);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:sample")});
  // ask() declares the seed's function (11: its body's call, on the seed's line);
  // send_request and its other callers stay silent.
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 11}));
}

TEST(Inference, DispatcherMixingFeaturesIsNotAnApi) {
  Builder b;
  b.fn("c:dispatch", "on_message", 1, 20);
  b.fn("c:main", "run", 30, 32);
  b.call("c:main", "c:dispatch", 31);
  const auto found =
      infer(b.idx, {b.seed("sampling", 5, "c:dispatch"), b.seed("roots", 8, "c:dispatch", "roots/list")});
  EXPECT_TRUE(found.empty());
}

TEST(Inference, CapabilityKeyInALongFunctionMakesNoApi) {
  Builder b;
  b.fn("c:test", "TestBody", 1, 40);        // a test that declares the capability among others
  b.fn("c:caps", "sampling_caps", 50, 52);  // named for the feature: an API
  b.fn("c:main", "run", 60, 62);
  b.call("c:main", "c:test", 61);
  b.call("c:main", "c:caps", 62);
  const auto found = infer(b.idx, {b.key_seed("sampling", 20), b.key_seed("sampling", 51)});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{50, 62}));
}

TEST(Inference, WrapperBecomesAnApiWithinTheDepthBound) {
  Builder b;
  b.fn("c:api", "create_message", 1, 3);
  b.fn("c:w1", "ask", 10, 12);
  b.fn("c:w2", "ask_again", 20, 22);
  b.fn("c:w3", "ask_thrice", 30, 32);
  b.fn("c:w4", "ask_four", 40, 42);
  b.call("c:w1", "c:api", 11, /*returned=*/true);
  b.call("c:w2", "c:w1", 21, true);
  b.call("c:w3", "c:w2", 31, true);
  b.call("c:w4", "c:w3", 41, true);
  inference::InferenceOptions opt;
  opt.max_depth = 2;
  const auto found = infer(b.idx, {b.seed("sampling", 2, "c:api")}, opt);
  // api (depth 0), ask (1), ask_again (2) are APIs; ask_thrice only calls one.
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{1, 10, 11, 20, 21, 31}));
  // Confidence falls with depth.
  int c11 = 0, c31 = 0;
  for (const auto& f : found) {
    if (f.at.line == 11) c11 = f.confidence;
    if (f.at.line == 31) c31 = f.confidence;
  }
  EXPECT_GT(c11, c31);
}

TEST(Inference, CallerNamedForTheFeatureFollowsButOtherCallersDoNot) {
  Builder b;
  b.fn("c:api", "send_log_message", 1, 3);
  b.fn("c:named", "set_logging_level", 10, 12);
  b.fn("c:plain", "handle_tool", 20, 22);
  b.fn("c:top", "main_loop", 30, 32);
  b.call("c:named", "c:api", 11);
  b.call("c:plain", "c:api", 21);
  b.call("c:top", "c:named", 31);
  b.call("c:top", "c:plain", 32);
  const auto found = infer(b.idx, {b.seed("logging", 2, "c:api", "notifications/message")});
  EXPECT_EQ(lines_of(found, "logging"), (std::vector<unsigned>{1, 10, 11, 21, 31}));
}

TEST(Inference, LogLevelEnumCountsOnlyWhenTiedToLogging) {
  Builder b;
  auto& api = b.fn("c:log", "notify", 1, 3);
  api.type_usrs.insert("c:Level");
  auto add_enum = [&](const std::string& usr, unsigned line) {
    auto& t = b.idx.types[usr];
    t.usr = usr;
    t.name = "Level";
    t.is_enum = true;
    t.decls.insert(Loc{b.file, line, 1});
    for (const auto& l : catalog().find("logging")->inference->levels) t.enumerators.insert(l);
  };
  add_enum("c:Level", 50);     // the parameter of a logging API
  add_enum("c:OwnLevel", 60);  // the program's own logger: same names, no tie
  const auto found = infer(b.idx, {b.seed("logging", 2, "c:log", "notifications/message")});
  EXPECT_EQ(lines_of(found, "logging"), (std::vector<unsigned>{1, 50}));
}

TEST(Inference, NamesAloneAreAtMostLowConfidenceHintsInTiedClasses) {
  Builder b;
  auto& api = b.fn("c:Client::create", "create_message", 1, 3);
  api.parent_usr = "c:Client";
  auto field = [&](const std::string& usr, const std::string& name, const std::string& owner, unsigned line) {
    auto& v = b.idx.vars[usr];
    v.usr = usr;
    v.name = name;
    v.owner = owner;
    v.is_field = true;
    v.decls.insert(Loc{b.file, line, 1});
  };
  field("c:Client::handler", "sampling_handler_", "c:Client", 40);   // tied class: a hint
  field("c:Audio::rate", "sampling_rate", "c:AudioFormat", 45);      // audio: silent
  const auto found = infer(b.idx, {b.seed("sampling", 2, "c:Client::create")});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{1, 40}));
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{1}));
}

TEST(Inference, IdentifierWords) {
  EXPECT_EQ(inference::identifier_words("send_logMessage"),
            (std::vector<std::string>{"send", "log", "message", "sendlog", "logmessage"}));
  EXPECT_EQ(inference::identifier_words("HTTPServer"), (std::vector<std::string>{"http", "server", "httpserver"}));
  const auto* sampling = catalog().find("sampling");
  ASSERT_TRUE(sampling && sampling->inference);
  EXPECT_TRUE(inference::has_hint_word("createMessage", *sampling->inference));
  EXPECT_FALSE(inference::has_hint_word("sample_rate", *sampling->inference));
  EXPECT_TRUE(inference::contains_word("mcp_client_capabilities_set_roots", catalog().capability_words));
  EXPECT_FALSE(inference::contains_word("capture_roots", catalog().capability_words));
}

}  // namespace

namespace {

// A dispatcher's `if (method == kSetLevel) return handle_set_level(params);`:
// the call after the method string on its line is the feature's handler; a
// call that takes the string (`send_request("roots/list", with_key(p))`)
// makes nothing after it a handler.
TEST(Inference, DispatchedHandlerIsAnApiButArgumentsOfASenderAreNot) {
  Builder b;
  b.fn("c:dispatch", "dispatch", 1, 10);
  b.fn("c:handle", "handle_set_level", 20, 25, 1);
  b.fn("c:other", "call_tool", 30, 35, 1);
  b.fn("c:caller", "roots_request", 40, 45);
  b.fn("c:send", "send_request", 50, 55, 2);
  b.fn("c:key", "with_key", 60, 62, 1);
  // line 4: if (method == "logging/setLevel") return handle_set_level(params);
  b.idx.calls.insert(index::CallFact{"c:dispatch", "c:handle", "handle_set_level", 1, true, "", Loc{b.file, 4, 40}});
  // line 5: if (method == "tools/call") return call_tool(params);  (another method: a dispatcher)
  b.idx.calls.insert(index::CallFact{"c:dispatch", "c:other", "call_tool", 1, true, "", Loc{b.file, 5, 40}});
  // line 42: send_request("roots/list", with_key(p));
  b.idx.calls.insert(index::CallFact{"c:caller", "c:send", "send_request", 2, false, "", Loc{b.file, 42, 3}});
  b.idx.calls.insert(index::CallFact{"c:caller", "c:key", "with_key", 1, false, "", Loc{b.file, 42, 30}});
  std::vector<inference::Seed> seeds{b.seed("logging", 4, "c:dispatch", "logging/setLevel"),
                                     b.seed("roots", 42, "c:caller", "roots/list")};
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:dispatch", "tools/call", Loc{b.file, 5, 5}});
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:dispatch", "prompts/get", Loc{b.file, 6, 5}});
  const auto found = infer(b.idx, seeds);
  EXPECT_EQ(lines_of(found, "logging"), (std::vector<unsigned>{4, 20}));  // the call and the handler's declaration
  // roots_request holds the seed (42: its body's calls, on the seed's line); with_key is not an API.
  EXPECT_EQ(lines_of(found, "roots"), (std::vector<unsigned>{40, 42}));
}

// A table of the MCP level names read by a logging API counts; the program's
// own table of its logger's levels (no notice/alert/emergency) does not.
TEST(Inference, LogLevelNameTableReadByALoggingApiCounts) {
  Builder b;
  b.fn("c:api", "send_log_message", 1, 5);
  b.fn("c:index", "level_index", 10, 14, 1);
  b.call("c:api", "c:index", 3);
  auto table = [&](const std::string& usr, unsigned line, std::set<std::string> values) {
    auto& v = b.idx.vars[usr];
    v.usr = usr;
    v.name = usr.substr(2);
    v.decls.insert(Loc{b.file, line, 1});
    v.last_line = line + 1;
    v.string_values = std::move(values);
  };
  table("c:kLevels", 30, {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"});
  table("c:kOwn", 40, {"trace", "debug", "info", "warn", "error", "critical", "off"});
  b.idx.refs.insert(index::RefFact{"c:kLevels", "c:index", Loc{b.file, 11, 5}});
  b.idx.refs.insert(index::RefFact{"c:kOwn", "c:index", Loc{b.file, 12, 5}});
  const auto found = infer(b.idx, {b.seed("logging", 2, "c:api", "notifications/message")});
  // 1: the API; 3: its call of level_index, which looks levels up (10, its declaration);
  // 11: the table's use; 30-31: the table. kOwn (40, 12) stays silent.
  EXPECT_EQ(lines_of(found, "logging"), (std::vector<unsigned>{1, 3, 10, 11, 30, 31}));
}

// `serialize` specialised for every type: a dependent call naming it is not a
// call of the one specialisation that is a feature API.
TEST(Inference, DependentCallOfASharedNameStaysUnresolved) {
  Builder b;
  b.fn("c:ser_roots", "serialize", 1, 3, 1);
  b.fn("c:ser_tool", "serialize", 10, 12, 1);
  b.fn("c:generic", "to_json", 20, 24, 1);
  b.idx.calls.insert(index::CallFact{"c:generic", "", "serialize", 1, true, "", Loc{b.file, 22, 3}});
  const auto found = infer(b.idx, {b.seed("roots", 2, "c:ser_roots", "roots/list")});
  EXPECT_EQ(lines_of(found, "roots"), (std::vector<unsigned>{1}));
}

}  // namespace

namespace {

inference::Seed field_seed(Builder& b, const std::string& feature, unsigned line) {
  (void)b;
  return inference::Seed{feature, Loc{b.file, line, 5}, "builds or reads a field of a sampling/createMessage request",
                         "field"};
}

void ref(Builder& b, const std::string& target, const std::string& in_function, unsigned line) {
  b.idx.refs.insert(index::RefFact{target, in_function, Loc{b.file, line, 7}});
}

index::TypeFact& type(Builder& b, const std::string& usr, const std::string& name, unsigned line) {
  auto& t = b.idx.types[usr];
  t.usr = usr;
  t.name = name;
  t.decls.insert(Loc{b.file, line, 1});
  return t;
}

// `select_model(params) { if (params.contains("modelPreferences")) ... }`: a
// short function reading the feature's message fields is its API; the same
// field read once in a long setup function makes no API of it.
TEST(Inference, ShortFunctionReadingTheFeaturesFieldsIsAnApi) {
  Builder b;
  b.fn("c:select", "select_model", 10, 20, 1);
  b.fn("c:setup", "configure_everything", 100, 300);
  b.fn("c:handler", "on_request", 400, 410);
  b.call("c:handler", "c:select", 405, /*returned=*/true);
  const auto found = infer(b.idx, {field_seed(b, "sampling", 12), field_seed(b, "sampling", 150)});
  // 10: the API; 405: the wrapper's call of it; 400: the wrapper (returns its result).
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 400, 405}));
}

// The body of a function that sends the feature's method is the feature's
// code: its lines using variables or calling functions count (medium), a line
// naming only a type (`return json::object();`) does not.
TEST(Inference, BodyOfAMethodApiCountsLineByLine) {
  Builder b;
  b.fn("c:send", "ask_model", 10, 30, 1);
  b.fn("c:helper", "to_wire", 40, 42, 1);
  type(b, "c:json", "json", 1);
  ref(b, "c:send@params", "c:send", 12);
  ref(b, "c:send@params", "c:send", 15);
  b.call("c:send", "c:helper", 18);
  ref(b, "c:json", "c:send", 25);
  const auto found = infer(b.idx, {b.seed("sampling", 20, "c:send")});
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{10, 12, 15, 18}));
  const auto it = std::find_if(found.begin(), found.end(), [](const auto& f) { return f.at.line == 12; });
  ASSERT_NE(it, found.end());
  EXPECT_EQ(it->summary, "is part of app::ask_model");
  EXPECT_LT(it->confidence, inference::kHighConfidence);
}

// `struct SamplingParams` taken by a sampling API is the feature's type (its
// members and variables count); `struct AudioSamplingRate`, named for the word
// but taken by no feature API, stays silent.
TEST(Inference, TypeNamedForTheFeatureTakenByAnApiIsAFeatureType) {
  Builder b;
  auto& api = b.fn("c:sample", "create_message", 10, 12, 1);
  api.type_usrs.insert("c:SamplingParams");
  type(b, "c:SamplingParams", "SamplingParams", 50);
  type(b, "c:AudioSamplingRate", "AudioSamplingRate", 60);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:sample")});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 50}));
}

// `void debug(msg) { log(LogLevel::Debug, msg); }` names a value of the
// feature's enum: it works with the feature, so it follows the API it calls;
// a caller that neither names the feature's types nor calls it twice does not.
TEST(Inference, CallerNamingAFeatureValueOrCallingTwiceFollowsTheApi) {
  Builder b;
  auto& api = b.fn("c:log", "log", 10, 12, 2);
  api.type_usrs.insert("c:Level");
  auto& level = type(b, "c:Level", "LogLevel", 50);
  level.is_enum = true;
  level.enumerator_usrs = {"c:Level@Debug"};
  b.fn("c:debug", "debug", 20, 22, 1);
  b.call("c:debug", "c:log", 21);
  ref(b, "c:Level@Debug", "c:debug", 21);
  b.fn("c:tool", "three_messages", 30, 34);
  b.call("c:tool", "c:log", 31);
  b.call("c:tool", "c:log", 32);
  b.fn("c:once", "startup", 40, 44);
  b.call("c:once", "c:log", 42);
  b.fn("c:main", "run", 60, 64);
  b.call("c:main", "c:debug", 61);
  b.call("c:main", "c:tool", 62);
  b.call("c:main", "c:once", 63);
  const auto found = infer(b.idx, {b.seed("logging", 11, "c:log", "notifications/message")});
  const auto lines = lines_of(found, "logging", inference::kMediumConfidence);
  for (unsigned l : {10u, 20u, 21u, 30u, 31u, 32u, 42u, 50u, 61u, 62u}) EXPECT_NE(std::find(lines.begin(), lines.end(), l), lines.end()) << l;
  for (unsigned l : {40u, 63u}) EXPECT_EQ(std::find(lines.begin(), lines.end(), l), lines.end()) << l;
}

}  // namespace

namespace {

// A converter from the feature's messages to an LLM provider's reads the
// feature's fields ("maxTokens", "messages") and writes the provider's
// ("max_completion_tokens", "choices"): only the former are the feature's.
TEST(Inference, ConverterKeepsOnlyTheFeaturesFieldKeys) {
  Builder b;
  b.fn("c:convert", "to_provider_request", 10, 30, 1);
  auto key = [&](unsigned line, const std::string& value) {
    b.idx.key_literals.insert(index::KeyLiteralFact{"c:convert", Loc{b.file, line, 9}, value});
  };
  key(12, "messages");
  key(14, "max_completion_tokens");
  key(16, "choices");
  key(18, "stopReason");
  const auto found = infer(
      b.idx, {inference::Seed{"sampling", Loc{b.file, 11, 5}, "builds or reads a field of a sampling request", "field"}});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 12, 18}));
}

}  // namespace

namespace {

// A dispatcher's branch for "sampling/createMessage" calls `sampling_cb`, read
// from the member `sampling_callback`: both are the feature's (a dispatcher is
// no API, but its names next to the method string are tied), and so is the
// getter named for the feature that reads the member, with its callers' calls;
// `elicitation_cb` in the same dispatcher is not sampling's.
TEST(Inference, NamesUsedNextToTheMethodStringAreTiedEvenInADispatcher) {
  Builder b;
  b.fn("c:dispatch", "on_request", 10, 40, 2);
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:dispatch", "elicitation/create", Loc{b.file, 30, 5}});
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:dispatch", "tools/call", Loc{b.file, 35, 5}});
  auto var = [&](const std::string& usr, const std::string& name, unsigned line, bool field) {
    auto& v = b.idx.vars[usr];
    v.usr = usr;
    v.name = name;
    v.is_field = field;
    v.owner = field ? "c:State" : "c:dispatch";
    v.decls.insert(Loc{b.file, line, 1});
  };
  var("c:State@sampling_callback", "sampling_callback", 50, true);
  var("c:dispatch@sampling_cb", "sampling_cb", 12, false);
  var("c:dispatch@elicitation_cb", "elicitation_cb", 13, false);
  ref(b, "c:State@sampling_callback", "c:dispatch", 15);
  ref(b, "c:dispatch@sampling_cb", "c:dispatch", 15);
  ref(b, "c:dispatch@sampling_cb", "c:dispatch", 21);
  ref(b, "c:dispatch@elicitation_cb", "c:dispatch", 31);
  b.fn("c:get", "get_sampling_callback", 60, 63);
  ref(b, "c:State@sampling_callback", "c:get", 62);
  b.fn("c:init", "initialize", 70, 80);
  b.call("c:init", "c:get", 72);
  const auto found = infer(b.idx, {b.seed("sampling", 20, "c:dispatch")});
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence),
            (std::vector<unsigned>{12, 15, 21, 50, 60, 62, 72}));
}

}  // namespace

namespace {

// `namespace sampling { struct Options; Step sample_step(const Options&); }`:
// the namespace names the feature, a sampling API takes Options, so Options
// is the feature's type; `namespace audio_sampling`'s Options, taken by no
// feature API, is not.
TEST(Inference, TypeInANamespaceNamedForTheFeatureTakenByAnApiIsAFeatureType) {
  Builder b;
  auto& api = b.fn("c:step", "sample_step", 10, 12, 1);
  api.qualified = "app::sampling::sample_step";
  api.type_usrs.insert("c:sampling::Options");
  type(b, "c:sampling::Options", "Options", 50).qualified = "app::sampling::Options";
  type(b, "c:audio_sampling::Options", "Options", 60).qualified = "app::audio_sampling::Options";
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:step")});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 50}));
}

}  // namespace

namespace {

// A test sets a sampling callback: the lambda handed to set_sampling_callback
// is the feature's handler (its registration and body lines count), and the
// test's `sampling_called` flag is the feature's; `tools_called` is not.
TEST(Inference, LambdaHandedToAFeatureApiAndFlagsNamedForItCount) {
  Builder b;
  b.fn("c:set", "set_sampling_callback", 10, 12, 1);
  b.fn("c:test", "test_callbacks", 20, 40);
  auto& lambda = b.fn("lambda@a.cpp:23:9", "(lambda)", 23, 26, 1);
  lambda.is_lambda = true;
  lambda.registered_at = Loc{b.file, 22, 3};
  b.idx.calls.insert(index::CallFact{"c:test", "c:set", "set_sampling_callback", 1, false, "", Loc{b.file, 22, 3}});
  auto local = [&](const std::string& usr, const std::string& name, unsigned line) { b.local(usr, name, "c:test", line, 5); };
  local("c:test@sampling_called", "sampling_called", 21);
  local("c:test@tools_called", "tools_called", 30);
  ref(b, "c:test@sampling_called", "lambda@a.cpp:23:9", 25);
  ref(b, "c:test@tools_called", "c:test", 31);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:set")});
  // 22: the registration; 23: the handler, where it starts on a line of its own; 25: its body's line.
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{10, 21, 22, 23, 25}));
}

// `auto r = make<CreateMessageResult>(...)\n .text("x")\n .build();` libclang
// places every call of the chain where it starts (line 11); the link of a
// generic builder (`build`) counts where its name is written (line 13), the
// chain being tied by the feature type it initialises. Another expression's
// `build` two lines further (line 15) is not this chain's link.
TEST(Inference, ChainOfCallsBuildingAFeatureTypeCountsOnEveryLink) {
  Builder b;
  type(b, "c:CMR", "CreateMessageResult", 2);
  type(b, "c:Other", "ToolList", 3);
  b.fn("c:build", "build", 5, 6);
  b.fn("c:test", "test_builders", 10, 20);
  b.local("c:test@r", "r", "c:test", 11, 8).type_usrs = {"c:CMR"};
  b.local("c:test@o", "o", "c:test", 15, 8).type_usrs = {"c:Other"};
  auto chain = [&](const std::string& var, const std::string& callee, unsigned line) {
    b.idx.calls.insert(index::CallFact{"c:test", callee, "", 0, false, var, Loc{b.file, line, 12}});
  };
  chain("c:test@r", "c:build", 11);
  chain("c:test@r", "c:make", 11);
  chain("c:test@o", "c:build", 15);
  chain("c:test@o", "c:make", 15);
  ref(b, "c:build", "c:test", 13);
  ref(b, "c:build", "c:test", 15);
  const auto found = infer(b.idx, {});
  const auto lines = lines_of(found, "sampling", inference::kMediumConfidence);
  EXPECT_NE(std::find(lines.begin(), lines.end(), 13u), lines.end());
  EXPECT_EQ(std::find(lines.begin(), lines.end(), 15u), lines.end());
}

// A message literal in a long test around a field seed (`{"messages", ...},
// {"maxTokens", 64}, {"toolChoice", ...}`): the feature's fields written with
// it count; a key of another feature's vocabulary, or one of the feature's
// fields after a gap (another literal), does not.
TEST(Inference, FieldsWrittenWithAFieldSeedCount) {
  Builder b;
  b.fn("c:test", "main", 100, 300);
  auto key = [&](unsigned line, const std::string& value) {
    b.idx.key_literals.insert(index::KeyLiteralFact{"c:test", Loc{b.file, line, 14}, value});
  };
  key(130, "messages");
  key(131, "role");
  key(133, "maxTokens");
  key(135, "name");  // the tool's schema: not a sampling field, a stepping stone
  key(137, "toolChoice");
  key(150, "content");  // another literal
  auto seed = field_seed(b, "sampling", 133);
  seed.at.column = 14;
  const auto found = infer(b.idx, {seed});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{130, 131, 137}));
}

// `set_sampling_callback(sampling::create_sampling_callback([&](...) {...}))`:
// the factory named for the feature called in the arguments of an API named
// for it makes the feature's handler; the lambda handed to it is that handler.
// A program's `main` calling the tests of the feature is no API of it.
TEST(Inference, FactoryHandedToAnApiNamedForTheFeatureIsItsHandler) {
  Builder b;
  b.fn("c:set", "set_sampling_callback", 10, 12, 1);
  b.fn("c:factory", "create_sampling_callback", 20, 24, 1);
  b.fn("c:test", "test_sampling", 30, 40);
  b.fn("c:main", "main", 50, 60);
  auto& lambda = b.fn("lambda@a.cpp:33:9", "(lambda)", 33, 36, 1);
  lambda.is_lambda = true;
  lambda.registered_at = Loc{b.file, 32, 30};
  b.idx.calls.insert(index::CallFact{"c:test", "c:set", "set_sampling_callback", 1, false, "", Loc{b.file, 32, 3}});
  b.idx.calls.insert(index::CallFact{"c:test", "c:factory", "create_sampling_callback", 1, false, "", Loc{b.file, 32, 30}});
  b.call("c:main", "c:test", 55);
  b.call("c:main", "c:test", 56);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:set")});
  const auto lines = lines_of(found, "sampling", inference::kMediumConfidence);
  for (unsigned expected : {20u, 33u}) EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end()) << expected;
  EXPECT_EQ(std::find(lines.begin(), lines.end(), 50u), lines.end());  // main's declaration
}

// `if (caps.contains("roots"))\n  supports_roots_ = true;`: the member named
// for the feature in the branch a capability key guards is its capability
// member; one three lines further is not.
TEST(Inference, MemberSetInTheBranchOfACapabilityKeyIsTheCapabilitys) {
  Builder b;
  b.fn("c:parse", "set_capabilities", 10, 30, 1);
  auto field = [&](const std::string& usr, const std::string& name, unsigned line) {
    auto& v = b.idx.vars[usr];
    v.usr = usr;
    v.name = name;
    v.owner = "c:Session";
    v.is_field = true;
    v.decls.insert(Loc{b.file, line, 5});
  };
  field("c:Session@supports_roots_", "supports_roots_", 40);
  field("c:Session@roots_seen_", "roots_seen_", 41);
  ref(b, "c:Session@supports_roots_", "c:parse", 13);
  ref(b, "c:Session@roots_seen_", "c:parse", 15);
  auto seed = b.key_seed("roots", 12);
  seed.anchor = "capability";
  const auto found = infer(b.idx, {seed});
  const auto lines = lines_of(found, "roots", inference::kMediumConfidence);
  EXPECT_NE(std::find(lines.begin(), lines.end(), 40u), lines.end());
  EXPECT_EQ(std::find(lines.begin(), lines.end(), 41u), lines.end());
}

TEST(Inference, CStyleHandlesNameTheSchemaTypes) {
  EXPECT_EQ(inference::schema_spelling("mcp_create_message_request_t"), "createmessagerequest");
  EXPECT_EQ(inference::schema_spelling("mcp_list_roots_result_impl"), "listrootsresult");
  EXPECT_EQ(inference::schema_spelling("CreateMessageRequest"), "createmessagerequest");
  Builder b;
  type(b, "c:h", "mcp_create_message_request_t", 4);
  type(b, "c:s", "mcp_sampling_params_t", 5);  // no schema type of that name: needs a tie
  const auto found = infer(b.idx, {});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{4}));
}

}  // namespace

namespace {

// A converter declared where the project keeps the feature's code
// (`app::sampling::handlers`) is the feature's whatever its length, but its
// JSON plumbing (`normalize_content`) is not; the same long function elsewhere
// does more than convert and stays silent.
TEST(Inference, LongConverterInAFeatureNamespaceIsAnApiButNotItsHelpers) {
  Builder b;
  b.fn("c:build", "build_provider_messages", 10, 200, 1).qualified = "app::sampling::handlers::build_provider_messages";
  b.fn("c:norm", "normalize_content", 300, 305, 1).qualified = "app::sampling::handlers::normalize_content";
  b.call("c:build", "c:norm", 20);
  b.fn("c:setup", "configure_everything", 400, 600);
  const auto found = infer(b.idx, {field_seed(b, "sampling", 12), field_seed(b, "sampling", 450)});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10}));
}

// `create_sampling_callback` has no anchor of its own (its body may sit in a
// branch the preprocessor left out) but is declared next to two sampling APIs
// in a namespace named for the feature: it and its calls count, the options
// type it takes does not; the same name in a namespace without APIs is a name only.
TEST(Inference, FunctionNamedForTheFeatureNextToItsApisInItsNamespaceCounts) {
  Builder b;
  b.fn("c:a", "select_model", 10, 12, 1).qualified = "app::sampling::select_model";
  b.fn("c:b", "to_result", 20, 22, 1).qualified = "app::sampling::to_result";
  auto& make = b.fn("c:make", "create_sampling_callback", 30, 32, 1);
  make.qualified = "app::sampling::create_sampling_callback";
  make.type_usrs.insert("c:Options");
  type(b, "c:Options", "ProviderOptions", 50).qualified = "app::sampling::ProviderOptions";
  b.fn("c:other", "create_sampling_callback", 60, 62, 1).qualified = "app::util::create_sampling_callback";
  b.fn("c:test", "test_callback", 70, 80);
  b.call("c:test", "c:make", 72);
  b.call("c:test", "c:other", 74);
  const auto found = infer(b.idx, {field_seed(b, "sampling", 11), field_seed(b, "sampling", 21)});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 20, 30, 72}));
}

// A variable holding what a feature API returns (`auto cb =
// create_sampling_callback(opts); Json out = cb(params);`) is used where the
// feature is: its uses count at medium confidence even when the API is tied by
// its name and scope (confidence 60), not only when it holds a seed.
TEST(Inference, UsesOfAVariableHoldingAnApisResultCount) {
  Builder b;
  b.fn("c:a", "select_model", 10, 12, 1).qualified = "app::sampling::select_model";
  b.fn("c:b", "to_result", 20, 22, 1).qualified = "app::sampling::to_result";
  b.fn("c:make", "create_sampling_callback", 30, 32, 1).qualified = "app::sampling::create_sampling_callback";
  b.fn("c:test", "test_callback", 70, 80);
  b.local("c:cb", "cb", "c:test", 72);
  b.idx.calls.insert(index::CallFact{"c:test", "c:make", "", 1, false, "c:cb", Loc{b.file, 72, 3}});
  ref(b, "c:cb", "c:test", 75);  // Json out = cb(params);
  const auto found = infer(b.idx, {field_seed(b, "sampling", 11), field_seed(b, "sampling", 21)});
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{10, 20, 30, 72, 75}));
}

// Variables of an alias that a feature API returns count where they are
// used at medium confidence when the alias is named for the feature
// (`SamplingHandlerResult result = handler(params); if (holds_alternative(result))`);
// an alias of another name (a `Callback` the program's logger reuses) stays low.
TEST(Inference, VariablesOfAnAliasNamedForTheFeatureCountWhereUsed) {
  Builder b;
  b.fn("c:api", "create_message", 10, 12).type_usrs = {"c:Result"};
  type(b, "c:Result", "SamplingHandlerResult", 5).aliased = {"c:Json"};
  type(b, "c:Callback", "Callback", 6).aliased = {"c:Result"};  // a feature type by what it names
  b.fn("c:user", "run", 20, 30);
  b.local("c:r", "result", "c:user", 21).type_usrs = {"c:Result"};
  b.local("c:cb", "callback", "c:user", 22).type_usrs = {"c:Callback"};
  ref(b, "c:r", "c:user", 24);
  ref(b, "c:cb", "c:user", 26);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:api")});
  EXPECT_TRUE(sure_at(found, "sampling", 24));
  EXPECT_FALSE(sure_at(found, "sampling", 26));
}

// Inside a converter, a local initialised from one of the feature's fields
// (`const auto& mp = params["modelPreferences"]`) carries it where it is used;
// a local on a field seed's line in a long setup function does not.
TEST(Inference, LocalHoldingAFieldValueInAnApiCountsWhereItIsUsed) {
  Builder b;
  b.fn("c:select", "select_model", 10, 20, 1);
  b.fn("c:setup", "configure_everything", 100, 300);
  auto local = [&](const std::string& usr, const std::string& owner, unsigned line) { b.local(usr, "mp", owner, line); };
  local("c:mp", "c:select", 12);
  ref(b, "c:mp", "c:select", 13);
  ref(b, "c:mp", "c:select", 14);
  local("c:mp2", "c:setup", 150);
  ref(b, "c:mp2", "c:setup", 151);
  const auto found = infer(b.idx, {field_seed(b, "sampling", 12), field_seed(b, "sampling", 150)});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{10, 13, 14}));
}

}  // namespace

namespace {

// `to_json(const CreateMessageRequest&)` takes the protocol type: a
// serialiser, whose keys that are the feature's fields count ("messages",
// "maxTokens"; not the envelope's "id"); a function merely calling it does not
// get its keys counted.
TEST(Inference, SerialiserOfAProtocolTypeKeepsTheFeaturesFieldKeys) {
  Builder b;
  type(b, "c:CMR", "CreateMessageRequest", 5);
  b.fn("c:to_json", "to_json", 10, 30, 1).type_usrs.insert("c:CMR");
  b.fn("c:other", "send_all", 40, 60);
  auto key = [&](const std::string& fn, unsigned line, const std::string& value) {
    b.idx.key_literals.insert(index::KeyLiteralFact{fn, Loc{b.file, line, 9}, value});
  };
  key("c:to_json", 12, "id");
  key("c:to_json", 14, "messages");
  key("c:to_json", 16, "maxTokens");
  key("c:other", 45, "messages");
  for (unsigned line = 20; line < 24; ++line) ref(b, "c:buffer", "c:to_json", line);  // other work: not dense
  const auto found = infer(b.idx, {});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{5, 10, 14, 16}));
}

}  // namespace

namespace {

// Functions named for a feature's capability (`mcp_client_capabilities_has_roots`,
// a capabilities builder's `set_roots`) declare or read it: they and their calls
// count without an anchor; `list_roots` of a filesystem helper does not.
TEST(Inference, CapabilityAccessorsCountWithTheirCalls) {
  Builder b;
  b.fn("c:has", "mcp_client_capabilities_has_roots", 10, 12, 1).qualified = "mcp_client_capabilities_has_roots";
  b.fn("c:set", "set_roots", 20, 22, 1).qualified = "app::ServerCapabilitiesBuilder::set_roots";
  b.fn("c:tree", "list_roots", 24, 26, 1).qualified = "app::fs::list_roots";
  b.fn("c:json", "to_json", 30, 40, 1);
  b.call("c:json", "c:has", 32);
  b.call("c:json", "c:tree", 34);
  const auto found = infer(b.idx, {});
  EXPECT_EQ(lines_of(found, "roots"), (std::vector<unsigned>{10, 20, 32}));
}

// A local named for the feature that a capability key's line fills
// (`roots_val = object_get(json, "roots")`) or passes on (`object_set(caps,
// "roots", roots_obj)`) holds the capability where it is declared and used; a
// local of another name on such a line does not.
TEST(Inference, LocalsNamedForTheFeatureOnACapabilityKeysLineHoldIt) {
  Builder b;
  b.fn("c:from", "caps_from_json", 10, 30, 1);
  auto local = [&](const std::string& usr, const std::string& name, unsigned line) { b.local(usr, name, "c:from", line); };
  auto capability_seed = [&](unsigned line) {
    return inference::Seed{"roots", Loc{b.file, line, 5}, "declares or reads the deprecated `roots` capability", "capability"};
  };
  local("c:roots_val", "roots_val", 12);
  ref(b, "c:roots_val", "c:from", 13);
  local("c:value", "value", 14);
  ref(b, "c:value", "c:from", 15);
  local("c:roots_obj", "roots_obj", 16);
  ref(b, "c:roots_obj", "c:from", 18);
  const auto found = infer(b.idx, {capability_seed(12), capability_seed(14), capability_seed(18)});
  EXPECT_EQ(lines_of(found, "roots"), (std::vector<unsigned>{12, 13, 16, 18}));
}

// `class SamplingMessageBuilder : public Builder<SamplingMessage, ...>`: a
// class built on a feature type and named after it is the feature's; one
// built on another type, or on the feature's type under an unrelated name, is not.
TEST(Inference, ClassBuiltOnAFeatureTypeAndNamedAfterItIsTheFeatures) {
  Builder b;
  type(b, "c:Builder", "Builder", 2);
  type(b, "c:SM", "SamplingMessage", 5);
  type(b, "c:SMB", "SamplingMessageBuilder", 10).bases = {"c:Builder", "c:SM"};
  type(b, "c:PM", "PromptMessage", 18);
  type(b, "c:PMB", "PromptMessageBuilder", 20).bases = {"c:Builder", "c:PM"};
  type(b, "c:Registry", "Registry", 30).bases = {"c:SM"};
  const auto found = infer(b.idx, {});
  EXPECT_EQ(lines_of(found, "sampling"), (std::vector<unsigned>{5, 10}));
}

}  // namespace

namespace {

// The program's logger macro names `mcp::logging::`: a capabilities builder's
// `logging()` (an API by its name alone) must not make every expansion of it a
// logging site; a macro calling an API found from its anchor still counts.
TEST(Inference, MacrosCountOnlyForApisFoundFromTheirAnchors) {
  Builder b;
  b.fn("c:caps", "logging", 10, 12).qualified = "app::ServerCapabilitiesBuilder::logging";
  b.fn("c:send", "send_log_message", 14, 16);
  b.idx.macros["APP_LOG"] = index::MacroFact{"APP_LOG", {"logging", "LogManager"}, {Loc{b.file, 20, 9}}};
  b.idx.macro_expansions.insert({"APP_LOG", Loc{b.file, 30, 5}});
  b.idx.macros["SEND_LOG"] = index::MacroFact{"SEND_LOG", {"send_log_message"}, {Loc{b.file, 22, 9}}};
  b.idx.macro_expansions.insert({"SEND_LOG", Loc{b.file, 32, 5}});
  const auto found = infer(b.idx, {b.seed("logging", 15, "c:send", "notifications/message")});
  EXPECT_EQ(lines_of(found, "logging"), (std::vector<unsigned>{10, 14, 22, 32}));
}

}  // namespace

namespace {

// `read_create_message(const json& result)`, called by a sampling API: a
// reader of the feature's data. The lines that follow its parameter (and the
// locals declared from it, transitively) count; the string it builds for
// itself does not, nor does a reader named for the feature only by its
// namespace (`sampling::stringify_tool_result`).
TEST(Inference, NamedReaderFollowsTheDataItWasHanded) {
  Builder b;
  b.fn("c:ask", "ask_model", 10, 14, 1);
  b.fn("c:read", "read_create_message", 20, 30, 1);
  b.call("c:ask", "c:read", 12);
  b.local("c:read@result", "result", "c:read", 20, 40).is_param = true;
  ref(b, "c:read@result", "c:read", 21);   // if (!result.contains("content"))
  b.local("c:read@blocks", "blocks", "c:read", 23);
  ref(b, "c:read@result", "c:read", 23);   // json blocks = result["content"];
  b.local("c:read@block", "block", "c:read", 24);
  ref(b, "c:read@blocks", "c:read", 24);   // for (auto& block : blocks)
  ref(b, "c:read@block", "c:read", 25);    //   if (block["type"] == "text")
  b.local("c:read@text", "text", "c:read", 22);
  ref(b, "c:read@text", "c:read", 26);     //   text += ...  (its own string)
  b.fn("c:str", "stringify_result", 40, 44, 1).qualified = "app::sampling::stringify_result";
  b.call("c:ask", "c:str", 13);
  b.local("c:str@value", "value", "c:str", 40, 40).is_param = true;
  ref(b, "c:str@value", "c:str", 41);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:ask")});
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence),
            (std::vector<unsigned>{10, 12, 13, 20, 21, 23, 24, 25, 40}));  // not 41
}

}  // namespace

namespace {

// The modules named for a feature (named_for_feature.hpp): a namespace
// `app::sampling` holding two sampling sites opens at a line that counts, as
// does the alias naming it, and the #include of `sampling_helpers.hpp`, which
// holds two; a `roots` namespace and a `roots.hpp` holding nothing of roots
// (a filesystem's) stay silent, as does a namespace named for sampling with a
// single sampling line.
TEST(Inference, NamespacesAndHeadersNamedForAFeatureThatHoldItCount) {
  Builder b;
  const std::uint32_t header = b.idx.intern("/src/sampling_helpers.hpp");
  const std::uint32_t fs_header = b.idx.intern("/src/roots.hpp");
  const std::uint32_t user = b.idx.intern("/src/user.cpp");
  auto block = [&](const std::string& usr, const std::string& qualified, std::uint32_t file, unsigned line, unsigned last) {
    auto& n = b.idx.namespaces[usr];
    n.usr = usr;
    n.qualified = qualified;
    n.blocks.insert(index::NamespaceBlock{Loc{file, line, 11}, last});
    return &n;
  };
  block("c:@N@app@N@sampling", "app::sampling", b.file, 5, 40)->aliases.insert(Loc{user, 3, 11});
  block("c:@N@app@N@roots", "app::roots", b.file, 50, 60);
  block("c:@N@lone@N@sampling", "lone::sampling", b.file, 70, 80);
  b.idx.includes.insert(index::IncludeFact{Loc{user, 1, 10}, Loc{header, 0, 0}});
  b.idx.includes.insert(index::IncludeFact{Loc{user, 2, 10}, Loc{fs_header, 0, 0}});
  std::vector<inference::Seed> seeds{b.key_seed("sampling", 10), b.key_seed("sampling", 20), b.key_seed("sampling", 75),
                                     b.key_seed("roots", 90)};
  for (unsigned line : {4u, 9u})
    seeds.push_back(inference::Seed{"sampling", Loc{header, line, 5}, "sends or handles sampling/createMessage"});
  const auto found = infer(b.idx, seeds);
  auto at = [&](std::uint32_t file, unsigned line, const std::string& feature) {
    return std::find_if(found.begin(), found.end(),
                        [&](const auto& f) { return f.at.file == file && f.at.line == line && f.feature == feature; });
  };
  const auto opens = at(b.file, 5, "sampling");
  ASSERT_NE(opens, found.end());
  EXPECT_EQ(opens->confidence, inference::kModuleConfidence);
  EXPECT_EQ(inference::explain(*opens, [](Loc l) { return std::to_string(l.line); }),
            "opens the namespace app::sampling, which holds code that declares or reads the deprecated `sampling` "
            "capability at 10");
  EXPECT_NE(at(user, 3, "sampling"), found.end());  // the alias
  const auto includes = at(user, 1, "sampling");
  ASSERT_NE(includes, found.end());
  EXPECT_EQ(includes->summary, "includes sampling_helpers.hpp");
  EXPECT_EQ(at(user, 2, "roots"), found.end());   // roots.hpp holds no roots site
  EXPECT_EQ(at(b.file, 50, "roots"), found.end());  // nor does app::roots (the roots seed is at 90)
  EXPECT_EQ(at(b.file, 70, "sampling"), found.end());  // lone::sampling holds one sampling line
}

// An error naming the feature thrown next to the feature's code (`if
// (!sampling_cb) throw Error("No sampling handler configured");` under the
// method's test) counts; the same words far from it in the same function, in
// a function without the feature's code, or naming another feature do not.
TEST(Inference, ErrorsNamingAFeatureThrownNextToItsCodeCount) {
  Builder b;
  b.fn("c:dispatch", "dispatch", 10, 80);
  b.fn("c:other", "configure", 100, 120);
  auto prose = [&](const std::string& fn, unsigned line, std::set<std::string> words) {
    b.idx.thrown_texts.insert(index::ThrownTextFact{fn, Loc{b.file, line, 30}, std::move(words)});
  };
  prose("c:dispatch", 14, {"sampling", "handler", "configured"});
  prose("c:dispatch", 60, {"sampling", "disabled"});   // 48 lines from the method's test
  prose("c:dispatch", 15, {"roots", "handler", "configured"});  // roots has no code here
  prose("c:other", 110, {"sampling", "rate"});           // no sampling code in configure()
  const auto found = infer(b.idx, {b.seed("sampling", 12, "c:dispatch")});
  const auto msg = std::find_if(found.begin(), found.end(), [](const auto& f) { return f.at.line == 14; });
  ASSERT_NE(msg, found.end());
  EXPECT_EQ(msg->feature, "sampling");
  EXPECT_EQ(msg->confidence, inference::kThrownTextConfidence);
  EXPECT_EQ(inference::explain(*msg, [](Loc l) { return std::to_string(l.line); }),
            "throws an error about sampling, which is next to code that sends or handles sampling/createMessage at 12");
  for (unsigned silent : {15u, 60u, 110u})
    EXPECT_EQ(std::find_if(found.begin(), found.end(), [&](const auto& f) { return f.at.line == silent; }), found.end())
        << silent;
}

// Three methods of one family (roots/list, notifications/roots/list_changed
// and a test's own roots/list_changed_count) make a roots API, not a
// dispatcher; three families in one function still make a dispatcher.
TEST(Inference, MethodsOfOneFamilyAreOneConcern) {
  Builder b;
  b.fn("c:roots_server", "create_server", 10, 30);
  b.fn("c:mixed", "create_other_server", 40, 60);
  std::vector<inference::Seed> seeds{b.seed("roots", 12, "c:roots_server", "roots/list"),
                                     b.seed("roots", 18, "c:roots_server", "notifications/roots/list_changed"),
                                     b.seed("roots", 42, "c:mixed", "roots/list")};
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:roots_server", "roots/list_changed_count", Loc{b.file, 24, 5}});
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:mixed", "tools/list", Loc{b.file, 45, 5}});
  b.idx.method_literals.insert(index::MethodLiteralFact{"c:mixed", "prompts/list", Loc{b.file, 48, 5}});
  const auto lines = lines_of(infer(b.idx, seeds), "roots");
  EXPECT_NE(std::find(lines.begin(), lines.end(), 10u), lines.end());  // declares the roots API
  EXPECT_EQ(std::find(lines.begin(), lines.end(), 40u), lines.end());  // the dispatcher's declaration stays silent
}

}  // namespace

namespace {

// A project's own method under a feature's prefix ("sampling/request",
// "notifications/sampling") is the feature's method once a rule found a
// standard method of that family in the project: it is reported where
// written. A prefix that is no feature word ("tools/sampling"), or a family no
// rule found in the project ("roots/changed" without roots/list), stays silent.
TEST(Inference, ProjectsOwnMethodsOfAFeaturesFamilyCountWhereWritten) {
  Builder b;
  b.fn("c:std", "send_create_message", 10, 12);
  b.fn("c:own", "forward_sampling_request", 20, 22);
  b.fn("c:note", "on_notification", 30, 32);
  b.fn("c:tools", "call_tool", 40, 42);
  b.fn("c:roots", "on_roots", 50, 52);
  auto literal = [&](const std::string& in, const std::string& value, unsigned line) {
    b.idx.method_literals.insert(index::MethodLiteralFact{in, value, Loc{b.file, line, 5}});
  };
  literal("c:own", "sampling/request", 21);
  literal("c:note", "notifications/sampling", 31);
  literal("c:tools", "tools/sampling", 41);
  literal("c:roots", "roots/changed", 51);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:std")});
  // 20: forward_sampling_request is named for the feature; on_notification
  // (30) holds the line but is no API for it (a test sends such methods among others).
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{10, 20, 21, 31}));
  EXPECT_TRUE(lines_of(found, "roots").empty());
  const auto it = std::find_if(found.begin(), found.end(), [](const auto& f) { return f.at.line == 21; });
  ASSERT_NE(it, found.end());
  EXPECT_EQ(inference::explain(*it, [](Loc l) { return "a.cpp:" + std::to_string(l.line); }),
            "sends or handles sampling/request, a sampling method, which shares the prefix of sampling/createMessage at a.cpp:11");
}

// `make_handler_with_sampling(app) { return [&](const Json& m) { ... caps
// {"sampling", {}} ... }; }`: the lambda dispatches every method (a dispatcher,
// no API), but the function named for the feature that makes it is the
// feature's API, with its declarations and calls. The same factory under
// another name is silent.
TEST(Inference, FactoryNamedForTheFeatureWhoseLambdaHoldsItsAnchorIsAnApi) {
  Builder b;
  b.fn("c:make", "make_handler_with_sampling", 10, 40, 1);
  b.fn("c:plain", "make_handler", 50, 80, 1);
  auto lambda = [&](const std::string& usr, unsigned begin, unsigned end) {
    auto& l = b.fn(usr, "(lambda)", begin, end, 1);
    l.is_lambda = true;
  };
  lambda("lambda@12", 12, 38);
  lambda("lambda@52", 52, 78);
  b.fn("c:main_setup", "serve", 90, 95);
  b.call("c:main_setup", "c:make", 91);
  b.call("c:main_setup", "c:plain", 92);
  std::vector<inference::Seed> seeds{b.key_seed("sampling", 20), b.key_seed("sampling", 60),
                                     b.seed("roots", 25, "lambda@12", "roots/list"), b.seed("roots", 65, "lambda@52", "roots/list")};
  seeds[0].anchor = seeds[1].anchor = "capability";
  const auto found = infer(b.idx, seeds);
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{10, 91}));
}

// `request["tools"] = convert_tools(params["tools"])` in a sampling API: the
// function it hands the field to (or whose result it stores as the field),
// named for that field and called by the feature's APIs only, converts it:
// declared where it is, with its keys that are the feature's fields ("mode",
// not "name"); what it returns is the other protocol's (its holder's uses are
// silent). A helper named for the field but shared with other code, or one not
// named for it, stays silent.
TEST(Inference, ConverterOfAFeatureFieldHandedToItCounts) {
  Builder b;
  b.fn("c:api", "create_message", 10, 20, 1);
  b.fn("c:conv", "convert_mcp_tools", 30, 40, 1);
  b.fn("c:shared", "parse_tools", 50, 55, 1);
  b.fn("c:other", "list_tools", 60, 65);
  b.fn("c:norm", "normalize", 70, 75, 1);
  auto call_at = [&](const std::string& caller, const std::string& callee, unsigned line, unsigned column) {
    b.idx.calls.insert(index::CallFact{caller, callee, "", 1, false, "", Loc{b.file, line, column}});
  };
  auto key = [&](const std::string& in, const std::string& value, unsigned line, unsigned column) {
    b.idx.key_literals.insert(index::KeyLiteralFact{in, Loc{b.file, line, column}, value});
  };
  call_at("c:api", "c:conv", 14, 30);
  key("c:api", "tools", 14, 20);  // request["tools"] =
  key("c:api", "tools", 14, 50);  // convert_mcp_tools(params["tools"])
  call_at("c:api", "c:shared", 15, 30);
  key("c:api", "tools", 15, 50);
  call_at("c:other", "c:shared", 61, 5);
  call_at("c:api", "c:norm", 16, 30);
  key("c:api", "tools", 16, 50);
  key("c:conv", "mode", 33, 20);
  key("c:conv", "name", 34, 20);
  // request["messages"] = build_messages(params): the field written with its result.
  b.fn("c:build", "build_messages", 80, 90, 1);
  call_at("c:api", "c:build", 17, 30);
  key("c:api", "messages", 17, 15);
  key("c:build", "role", 84, 20);
  // Json tc = convert_mcp_tools(...): a holder of the converter's result is the other protocol's value.
  b.local("c:tc", "tc", "c:api", 14);
  b.idx.calls.erase(index::CallFact{"c:api", "c:conv", "", 1, false, "", Loc{b.file, 14, 30}});
  b.idx.calls.insert(index::CallFact{"c:api", "c:conv", "", 1, false, "c:tc", Loc{b.file, 14, 30}});
  ref(b, "c:tc", "c:api", 19);
  const auto found = infer(b.idx, {b.seed("sampling", 11, "c:api")});
  auto has = [&](unsigned line) { return sure_at(found, "sampling", line); };
  EXPECT_TRUE(has(30));
  EXPECT_TRUE(has(33));
  EXPECT_TRUE(has(80));
  EXPECT_TRUE(has(84));
  for (const auto& f : found)  // line 19 may be a line of the API's body, but not a use of what the converter returned
    if (f.at.line == 19) EXPECT_EQ(f.summary.find("uses tc"), std::string::npos);
  EXPECT_FALSE(has(34));
  EXPECT_FALSE(has(50));
  EXPECT_FALSE(has(70));
}

// A capabilities parser mixing features (a dispatcher): the member set in a
// capability's branch makes the getter named for the feature that reads it
// the capability's accessor (`supports_roots() { return supports_roots_; }`,
// declared and called), and a local named for the feature on the capability
// key's line (`const auto& sampling = caps["sampling"];`) holds it where used.
TEST(Inference, CapabilityGettersAndLocalsOfACapabilitiesParserCount) {
  Builder b;
  b.fn("c:parse", "set_capabilities", 10, 30, 1);
  auto& member = b.idx.vars["c:Session@supports_roots_"];
  member.usr = "c:Session@supports_roots_";
  member.name = "supports_roots_";
  member.owner = "c:Session";
  member.is_field = true;
  member.decls.insert(Loc{b.file, 40, 5});
  ref(b, "c:Session@supports_roots_", "c:parse", 13);
  b.fn("c:get", "supports_roots", 50, 53);
  ref(b, "c:Session@supports_roots_", "c:get", 52);
  b.fn("c:test", "test_session", 60, 80);
  b.call("c:test", "c:get", 70);
  b.local("c:parse@sampling", "sampling", "c:parse", 20, 5);
  ref(b, "c:parse@sampling", "c:parse", 21);
  auto roots = b.key_seed("roots", 12);
  auto sampling = b.key_seed("sampling", 20);
  roots.anchor = sampling.anchor = "capability";
  sampling.at.column = 30;  // const auto& sampling = caps["sampling"];
  const auto found = infer(b.idx, {roots, sampling});
  for (unsigned line : {40u, 50u, 70u}) EXPECT_TRUE(sure_at(found, "roots", line)) << line;
  EXPECT_EQ(lines_of(found, "sampling", inference::kMediumConfidence), (std::vector<unsigned>{20, 21}));
}

// `Json params = {\n {"messages", ...},\n {"maxTokens", 64}};` then `cb(params)`
// in a long test: the local the message literal initialises holds the
// feature's message (declared and used); a local declared above a write to
// another variable (`Json other = make();\n req["maxTokens"] = 5;`) does not.
TEST(Inference, LocalInitialisedWithAMessageLiteralHoldsIt) {
  Builder b;
  b.fn("c:test", "test_handlers", 100, 300);
  auto key = [&](const std::string& value, unsigned line, unsigned column) {
    b.idx.key_literals.insert(index::KeyLiteralFact{"c:test", Loc{b.file, line, column}, value});
  };
  b.local("c:params", "params", "c:test", 129, 14);
  key("messages", 130, 15);
  key("role", 131, 30);
  key("maxTokens", 133, 15);
  ref(b, "c:params", "c:test", 144);  // Json out = cb(params);
  b.local("c:other", "other", "c:test", 199, 14);
  b.local("c:req", "req", "c:test", 190, 14);
  b.idx.refs.insert(index::RefFact{"c:req", "c:test", Loc{b.file, 200, 9}});
  key("maxTokens", 200, 13);  // req["maxTokens"] = 5;
  ref(b, "c:other", "c:test", 210);
  auto seed = [&](unsigned line) {
    auto s = field_seed(b, "sampling", line);
    s.at.column = 15;
    if (line == 200) s.at.column = 13;
    return s;
  };
  const auto found = infer(b.idx, {seed(133), seed(200)});
  auto has = [&](unsigned line) { return sure_at(found, "sampling", line); };
  EXPECT_TRUE(has(129));
  EXPECT_TRUE(has(144));
  EXPECT_FALSE(has(199));
  EXPECT_FALSE(has(210));
}

}  // namespace
