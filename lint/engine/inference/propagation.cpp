#include "engine/inference/propagation.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "engine/inference/method_family.hpp"
#include "engine/inference/named_for_feature.hpp"
#include "engine/inference/vocabulary.hpp"

namespace mcp_lint::inference {
namespace {

using index::CallFact;
using index::FunctionFact;
using index::Loc;
using index::ProjectIndex;
using index::TypeFact;
using index::VarFact;

// Confidence of each kind of evidence (0..100).
constexpr int kSeedApi = 85;          // a function holding a seed: its declarations and calls
constexpr int kFieldApi = 80;         // a short function building or reading the feature's message fields
constexpr int kBodyLineCost = 30;     // a line of a feature API's body (below its declaration's confidence)
constexpr int kHandedLineCost = 5;    // a line of a short lambda handed to an API named for the feature (Evidence::handed)
constexpr int kReaderLineCost = 10;   // a line of a named reader's short body (Evidence::named_reader)
constexpr unsigned kMaxApiBodyLines = 150;  // whole bodies count up to this size
constexpr int kPromotionCost = 15;    // each caller step away from the seed
constexpr int kNamedPromotionCost = 5;  // the same, for a caller named for the feature
constexpr int kByNameCost = 15;       // a dependent call resolved by name and arity only
constexpr int kSchemaType = 85;       // a type with a schema name (CreateMessageRequest)
constexpr int kTiedType = 75;         // a weak schema name or log-level enum tied to the feature
constexpr int kExclusiveType = 65;    // a project type only the feature's APIs take or return
constexpr int kHint = 35;             // a name carrying the feature's word, in a class with a feature API
constexpr int kHandler = 80;          // a function a dispatcher calls, or a registration names, for the feature's method
constexpr int kTiedName = 60;         // a callee or member named for the feature that a feature API calls or uses
constexpr int kSeedVariable = 65;     // a local variable whose initializer holds a seed
// A variable initialised from an API's call (`auto cb = get_sampling_callback();`)
// holds what the call returns: its uses (`if (cb) return cb(params);`) are one
// step from the call, as sure as a caller's line.
constexpr int kHolderCost = 10;
constexpr std::size_t kGenericCallers = 12;  // a function called from more places is plumbing (a logger, a sender)
constexpr int kMinConfidence = 20;
constexpr unsigned kMaxLambdaLines = 15;  // a lambda calling an API is its handler up to this size
constexpr unsigned kMaxBodyLines = 80;    // field keys count inside feature APIs up to this size
constexpr unsigned kMaxChainLines = 12;   // a chain's links are looked for this far below its start
constexpr int kChainLinkCost = 20;       // a link of a chain that calls the feature's API or builds its type
constexpr unsigned kClusterGap = 3;       // keys this close to a field seed's message are written with it
constexpr unsigned kClusterReach = 15;    // and no further from the seed than this
constexpr int kClusterField = 60;         // a field of the feature written next to one of its field seeds

struct Evidence {
  int confidence = 0;
  int depth = 0;
  std::vector<Step> via;
  // Holds only fields of the feature's messages (no method, no feature name):
  // a converter whose other keys are often another protocol's (an LLM
  // provider's "choices"), so its body is not the feature's line by line.
  bool fields_only = false;
  // Tied to the feature by its name and scope only (no anchor, no caller
  // chain): its calls count, but the types it takes do not become the feature's.
  bool named_only = false;
  // Takes or returns one of the feature's protocol types (`to_json(const
  // CreateMessageRequest&)`): a (de)serialiser, whose keys that are the
  // feature's fields count.
  bool converter = false;
  // Named for the feature and called by one of its APIs (`read_create_message`,
  // `roots_summary`): a reader or formatter of the feature's data, whose short
  // body is the feature's line by line.
  bool named_reader = false;
  // A lambda handed to an API named for the feature (`set_sampling_callback([&](const Json& in) {...})`):
  // the feature's handler by construction, so its short body is the feature's line by line.
  bool handed = false;
  // Converts one of the feature's fields for another protocol (field_converters):
  // what it returns is that protocol's value (an LLM provider's tool_choice), not the feature's.
  bool field_converter = false;
};

// Innermost function definition holding each line, per file.
class BodyLookup {
 public:
  explicit BodyLookup(const ProjectIndex& idx) {
    for (const auto& [usr, f] : idx.functions)
      if (f.has_body) by_file_[f.body_begin.file].push_back(Body{f.body_begin.line, f.body_end, &f});
  }
  const FunctionFact* at(Loc l) const {
    auto it = by_file_.find(l.file);
    if (it == by_file_.end()) return nullptr;
    const FunctionFact* best = nullptr;
    unsigned span = ~0u;
    for (const auto& b : it->second)
      if (b.begin <= l.line && l.line <= b.end && b.end - b.begin < span) {
        best = b.fn;
        span = b.end - b.begin;
      }
    return best;
  }

 private:
  struct Body {
    unsigned begin, end;
    const FunctionFact* fn;
  };
  std::unordered_map<std::uint32_t, std::vector<Body>> by_file_;
};

// Lookups by position and by function the inference shares between features.
struct LineViews {
  std::map<std::pair<std::uint32_t, unsigned>, std::vector<const CallFact*>> calls_at;
  // Calls by where their expression starts: libclang places every call of a
  // chain (`make<T>(a)\n  .text(b)\n  .build()`) at the chain's start.
  std::map<Loc, std::vector<const CallFact*>> chains;
  std::map<std::pair<std::uint32_t, unsigned>, std::vector<const index::RefFact*>> function_refs_at;
  std::map<std::pair<std::uint32_t, unsigned>, std::vector<const index::RefFact*>> refs_at;
  std::map<std::string, std::vector<const CallFact*>> calls_from;     // by caller
  std::multimap<std::string, const index::RefFact*> refs_in;          // by enclosing function
  std::map<std::string, std::vector<const VarFact*>> locals_of;       // local variables by function
  std::multimap<std::string, const CallFact*> initializers;           // calls by the variable they initialize
  std::map<std::string, std::vector<const FunctionFact*>> functions_by_name;
  std::map<std::uint32_t, std::vector<const FunctionFact*>> lambdas_in;  // by file
  std::set<Loc> macro_sites;  // where a macro is expanded: what it declares there is the macro's, not the project's
  std::map<std::string, std::string> enum_of;  // enumerator USR -> its enum's USR

  explicit LineViews(const ProjectIndex& idx) {
    for (const auto& c : idx.calls) {
      calls_at[{c.at.file, c.at.line}].push_back(&c);
      chains[c.at].push_back(&c);
      if (!c.caller.empty()) calls_from[c.caller].push_back(&c);
      if (!c.initializes.empty()) initializers.emplace(c.initializes, &c);
    }
    for (const auto& r : idx.refs) {
      if (!r.in_function.empty()) refs_in.emplace(r.in_function, &r);
      refs_at[{r.at.file, r.at.line}].push_back(&r);
      if (idx.functions.count(r.target)) function_refs_at[{r.at.file, r.at.line}].push_back(&r);
    }
    for (const auto& [usr, v] : idx.vars)
      if (!v.is_field && !v.owner.empty()) locals_of[v.owner].push_back(&v);
    for (const auto& [usr, fn] : idx.functions) {
      if (!fn.decls.empty()) functions_by_name[fn.name].push_back(&fn);
      if (fn.is_lambda && fn.has_body) lambdas_in[fn.body_begin.file].push_back(&fn);
    }
    for (const auto& [name, at] : idx.macro_expansions) macro_sites.insert(at);
    for (const auto& [usr, t] : idx.types)
      for (const auto& e : t.enumerator_usrs) enum_of.emplace(e, usr);
  }
};

class FeatureInference {
 public:
  FeatureInference(const ProjectIndex& idx, const FeatureVocabulary& vocab, const std::vector<std::string>& capability_words,
                   const InferenceOptions& opt,
                   const std::set<std::pair<std::uint32_t, unsigned>>& method_lines,
                   const std::map<std::string, std::vector<const Seed*>>& seeds_in, const std::set<std::string>& dispatchers,
                   const std::map<std::string, std::vector<const FunctionFact*>>& type_users,
                   const std::map<std::string, std::vector<const CallFact*>>& calls_to,
                   const std::map<std::string, std::vector<const CallFact*>>& calls_by_name,
                   const std::map<std::string, std::vector<std::string>>& overridden_by,
                   const std::map<std::string, std::vector<const index::RefFact*>>& refs_to, const LineViews& lines,
                   std::vector<Inferred>& out)
      : idx_(idx), v_(vocab), capability_words_(capability_words), opt_(opt), method_lines_(method_lines), seeds_in_(seeds_in), dispatchers_(dispatchers),
        type_users_(type_users), calls_to_(calls_to), calls_by_name_(calls_by_name), overridden_by_(overridden_by),
        refs_to_(refs_to), lines_(lines), out_(out) {}

  void run() {
    seed_apis();
    dispatched_handlers();
    named_in_feature_scopes();
    capability_accessors();
    schema_types();
    for (int round = 0; round <= opt_.max_depth + 1; ++round) {
      bool changed = false;
      changed |= override_closure();
      changed |= named_callees();
      changed |= field_converters();
      changed |= level_tables();
      changed |= capability_fields();
      changed |= tied_members();
      changed |= nested_lambdas();
      changed |= tied_types();
      changed |= exclusive_types();
      changed |= type_users_as_apis();
      changed |= promote_callers();
      if (!changed) break;
    }
    report_apis();
    report_types();
    report_hints();
    report_tied_members();
    report_level_tables();
    report_seed_variables();
    report_macros();
    report_chain_links();
    report_field_clusters();
    // Last: whether a body is the feature's is judged from what the rest found in it.
    judge_dense_bodies();
    report_api_bodies();
    report_api_lines();
  }

 private:
  const std::string& f() const { return v_.feature; }

  bool add(std::map<std::string, Evidence>& m, const std::string& usr, Evidence e) {
    if (e.confidence < kMinConfidence) return false;
    auto it = m.find(usr);
    if (it != m.end() && it->second.confidence >= e.confidence) return false;
    m[usr] = std::move(e);
    return true;
  }

  // A program's `main` runs everything (a test program calls each test): it
  // is no feature's API. The feature's lines in it are found as in any body
  // (its seeds, its calls of the APIs, the variables holding their results).
  static bool entry_point(const FunctionFact& fn) { return fn.name == "main" && fn.parent_usr.empty(); }

  static Loc first_decl(const FunctionFact& fn) { return fn.decls.empty() ? fn.body_begin : *fn.decls.begin(); }

  // A function is a feature API when it sends or handles the feature's method
  // (a method string on a seed's line), builds or reads the feature's message
  // fields (`params["maxTokens"]`) in a body short enough to be about them, or
  // is named for the feature; a capability key, or one field in a long test or
  // setup function, is not.
  void seed_apis() {
    for (const auto& [usr, seeds] : seeds_in_) {
      if (dispatchers_.count(usr)) continue;
      const FunctionFact& fn = idx_.functions.at(usr);
      if (entry_point(fn)) continue;
      bool api = has_hint_word(fn.name, v_);
      bool fields = false;
      for (const Seed* s : seeds) {
        if (s->feature != f()) continue;
        // A project's own method of the feature's family (method_family.hpp)
        // marks its line, not its function: a test sending it once among
        // other requests is no API.
        api = api || (method_lines_.count(std::make_pair(s->at.file, s->at.line)) && s->anchor != kFamilyAnchor);
        fields = fields || s->anchor == "field";
      }
      // A converter of the feature's messages is short, or declared where the
      // project keeps the feature's code (`sampling::handlers::build_messages`);
      // a long function touching a field elsewhere does more.
      const bool field_api = !api && fields && fn.has_body &&
                             (fn.body_end - fn.body_begin.line <= kMaxBodyLines || named_for_feature(fn.name, fn.qualified));
      if (!api && !field_api) continue;
      // The chain names a method string when the function holds one (it says more than a capability key).
      const Seed* best = nullptr;
      for (const Seed* s : seeds)
        if (s->feature == f() && (!best || (!method_lines_.count(std::make_pair(best->at.file, best->at.line)) &&
                                            method_lines_.count(std::make_pair(s->at.file, s->at.line)))))
          best = s;
      if (best) add(apis_, usr, Evidence{field_api ? kFieldApi : kSeedApi, 0, {Step{best->at, best->what}}, field_api});
    }
    named_factories();
  }

  // A function named for the feature whose own body holds none of its
  // anchors, but whose lambda dispatching many methods does
  // (`make_mcp_handler_with_sampling(app) { return [&](const Json& message)
  // { ... {"sampling", {}} ... }; }`): the factory of a handler that speaks
  // the feature among others is the feature's API, as its name says.
  void named_factories() {
    for (const auto& [usr, fn] : idx_.functions) {
      if (!fn.has_body || fn.is_lambda || apis_.count(usr) || seeds_in_.count(usr) || entry_point(fn) ||
          !has_hint_word(fn.name, v_))
        continue;
      auto lambdas = lines_.lambdas_in.find(fn.body_begin.file);
      if (lambdas == lines_.lambdas_in.end()) continue;
      const Seed* anchor = nullptr;
      for (const FunctionFact* l : lambdas->second) {
        // A lambda holding the feature's anchors without dispatching others is an API of its own.
        if (l->body_begin.line < fn.body_begin.line || l->body_end > fn.body_end || !dispatchers_.count(l->usr)) continue;
        if (auto s = seeds_in_.find(l->usr); s != seeds_in_.end())
          for (const Seed* seed : s->second)
            if (seed->feature == f() && (!anchor || seed->at < anchor->at)) anchor = seed;
      }
      if (!anchor) continue;
      Evidence e{kSeedApi - 5, 0, {Step{anchor->at, anchor->what + " in a lambda it makes"}}};
      e.named_only = true;  // what it takes (the application, a session lookup) is the handler's, not the feature's
      add(apis_, usr, std::move(e));
    }
  }

  // A function named for the feature (`create_sampling_callback`), declared
  // in a namespace or class that already holds two of the feature's APIs from
  // their seeds: the project's own home of the feature, so the name is no
  // longer a mere hint (its body may hide in a branch the preprocessor left out).
  void named_in_feature_scopes() {
    std::map<std::string, int> apis_in_scope;
    for (const auto& [usr, e] : apis_) apis_in_scope[scope_of(idx_.functions.at(usr).qualified)]++;
    for (const auto& [usr, fn] : idx_.functions) {
      if (!named_candidate(usr, fn)) continue;
      auto home = apis_in_scope.find(scope_of(fn.qualified));
      if (home == apis_in_scope.end() || home->second < 2 || !has_hint_word(home->first, v_)) continue;
      Evidence e{kTiedName, 1, {Step{first_decl(fn), "is named for " + f() + " next to its APIs in " + home->first}}};
      e.named_only = true;  // the types it takes (a provider's options) are not the feature's
      add(apis_, usr, std::move(e));
    }
  }

  // A function named for the feature's capability (`has_roots_capability`,
  // the C API's `mcp_client_capabilities_set_sampling`, a capabilities
  // builder's `logging()`): it declares or reads the deprecated capability,
  // whoever calls it. Named only: the types it takes are the capabilities
  // object, not the feature's.
  void capability_accessors() {
    for (const auto& [usr, fn] : idx_.functions) {
      if (!named_candidate(usr, fn)) continue;
      if (!contains_word(fn.name, capability_words_) && !contains_word(scope_of(fn.qualified), capability_words_)) continue;
      Evidence e{kTiedName, 1, {Step{first_decl(fn), "is named for the " + f() + " capability"}}};
      e.named_only = true;
      add(apis_, usr, std::move(e));
    }
  }

  // Not yet an API, a declared function (not a lambda) named for the
  // feature, and not plumbing: what a rule tying functions by name may take.
  bool named_candidate(const std::string& usr, const FunctionFact& fn) const {
    return !apis_.count(usr) && !fn.is_lambda && !fn.decls.empty() && has_hint_word(fn.name, v_) && !is_plumbing(usr, fn);
  }

  static std::string scope_of(const std::string& qualified) {
    const auto sep = qualified.rfind("::");
    return sep == std::string::npos ? std::string() : qualified.substr(0, sep);
  }

  // The name, or a namespace or class it is declared in, carries the
  // feature's word (`fastmcpp::server::sampling::Options`): a hint that needs
  // a tie (a feature API taking it, calling it) before it counts.
  bool named_for_feature(const std::string& name, const std::string& qualified) const {
    if (has_hint_word(name, v_)) return true;
    std::size_t start = 0;
    for (std::size_t end; (end = qualified.find("::", start)) != std::string::npos; start = end + 2)
      if (has_hint_word(qualified.substr(start, end - start), v_)) return true;
    return false;
  }

  bool is_plumbing(const std::string& usr, const FunctionFact& fn) const {
    if (fn.decls.empty() || fn.name.rfind("operator", 0) == 0 || dispatchers_.count(usr)) return true;
    auto it = calls_to_.find(usr);
    return it != calls_to_.end() && it->second.size() > kGenericCallers;
  }

  // The handler of a method: a dispatcher's `if (method == kSetLevel) return
  // handle_set_level(params);` or a registration `on("roots/list", &handle_roots)`.
  // A call is a handler when it comes after the method string on its line, or
  // is returned on the next line (`case kRootsList:\n return list_roots(p);`),
  // and the string is compared, not passed: a call with arguments that starts
  // before it on the line (`send_request("x", with_key(p))`) takes it, and
  // what follows builds the request. A function named (not called) after the
  // string is registered for it even as an argument.
  void dispatched_handlers() {
    for (const auto& [usr, seeds] : seeds_in_)
      for (const Seed* s : seeds) {
        if (s->feature != f() || !method_lines_.count(std::make_pair(s->at.file, s->at.line))) continue;
        auto consider = [&](const std::string& target, Loc at) {
          auto fn = idx_.functions.find(target);
          if (target == usr || fn == idx_.functions.end() || is_plumbing(target, fn->second)) return;
          add(apis_, target, Evidence{kHandler, 0, {Step{at, "is dispatched for it"}, Step{s->at, s->what}}});
        };
        const auto* here = find_calls(s->at.file, s->at.line);
        std::set<std::string> called_here;
        bool passed = false, after = false;
        if (here)
          for (const CallFact* c : *here) {
            called_here.insert(c->callee);
            if (c->at.column < s->at.column && c->arity > 0 && c->name.rfind("operator", 0) != 0) passed = true;
            if (c->at.column > s->at.column) after = true;
          }
        if (!passed && here)
          for (const CallFact* c : *here)
            if (c->at.column > s->at.column && !c->callee.empty()) consider(c->callee, c->at);
        if (!passed && !after)
          if (const auto* next = find_calls(s->at.file, s->at.line + 1))
            for (const CallFact* c : *next)
              if (c->returned && !c->callee.empty() && c->caller == usr) consider(c->callee, c->at);
        if (auto it = lines_.function_refs_at.find({s->at.file, s->at.line}); it != lines_.function_refs_at.end())
          for (const index::RefFact* r : it->second)
            if (r->at.column > s->at.column && !called_here.count(r->target)) consider(r->target, r->at);
      }
  }

  const std::vector<const CallFact*>* find_calls(std::uint32_t file, unsigned line) const {
    auto it = lines_.calls_at.find({file, line});
    return it == lines_.calls_at.end() ? nullptr : &it->second;
  }

  // A function named for the feature that a feature API calls (a reader of
  // its result, `read_create_message`): the name alone would be weak, the
  // call from the API ties it.
  bool named_callees() {
    std::vector<std::pair<std::string, Evidence>> found;
    for (const auto& [usr, e] : apis_) {
      // A converter's callees are its JSON plumbing (normalize a content array).
      if (e.depth >= opt_.max_depth || e.fields_only) continue;
      auto it = lines_.calls_from.find(usr);
      if (it == lines_.calls_from.end()) continue;
      for (const CallFact* c : it->second) {
        if (c->callee.empty() || apis_.count(c->callee)) continue;
        auto fn = idx_.functions.find(c->callee);
        if (fn == idx_.functions.end() || is_plumbing(c->callee, fn->second) || !named_for_feature(fn->second.name, fn->second.qualified))
          continue;
        Evidence ce{std::min(e.confidence - 10, kTiedName + 10), e.depth + 1, {Step{c->at, "is called by " + idx_.functions.at(usr).qualified}}};
        ce.via.insert(ce.via.end(), e.via.begin(), e.via.end());
        // Its own name, not its namespace's (`sampling::stringify_tool_result`).
        ce.named_reader = has_hint_word(fn->second.name, v_);
        found.emplace_back(c->callee, std::move(ce));
      }
    }
    bool changed = false;
    for (auto& [usr, e] : found) changed |= add(apis_, usr, std::move(e));
    return changed;
  }

  // A function a feature API hands one of the feature's message fields to, or
  // whose result it stores as one, named for that field (`request["tools"] =
  // convert_mcp_tools_to_openai(params["tools"])`, `request["messages"] =
  // build_anthropic_messages(params)`), and
  // called by the feature's APIs only: the converter of that field, a field
  // API (its keys that are the feature's fields count). A helper shared with
  // other code (`parse_content_block(m["content"])` for every result) is not.
  bool field_converters() {
    std::vector<std::pair<std::string, Evidence>> found;
    for (const auto& [usr, e] : apis_) {
      if (e.depth > 1) continue;
      auto calls = lines_.calls_from.find(usr);
      if (calls == lines_.calls_from.end()) continue;
      for (const CallFact* c : calls->second) {
        auto fn = idx_.functions.find(c->callee);
        if (c->callee.empty() || apis_.count(c->callee) || fn == idx_.functions.end() || !fn->second.has_body ||
            is_plumbing(c->callee, fn->second) || !called_by_apis_only(c->callee))
          continue;
        const auto words = identifier_words(fn->second.name);
        for (auto k = idx_.key_literals.lower_bound(index::KeyLiteralFact{usr, Loc{c->at.file, c->at.line, 0}, {}});
             k != idx_.key_literals.end() && k->in_function == usr && k->at.file == c->at.file && k->at.line == c->at.line; ++k) {
          if (!listed(v_.fields, k->value) || !listed(words, schema_spelling(k->value))) continue;
          Evidence ce{kFieldApi - 5, e.depth, with_step(Step{c->at, "converts the field \"" + k->value + "\" for " +
                                                                       idx_.functions.at(usr).qualified}, e.via)};
          ce.fields_only = true;
          ce.field_converter = true;
          found.emplace_back(c->callee, std::move(ce));
          break;
        }
      }
    }
    bool changed = false;
    for (auto& [usr, e] : found) changed |= add(apis_, usr, std::move(e));
    return changed;
  }

  bool called_by_apis_only(const std::string& usr) const {
    auto it = calls_to_.find(usr);
    if (it == calls_to_.end()) return false;
    for (const CallFact* c : it->second)
      if (!apis_.count(c->caller)) return false;
    return true;
  }

  // A table of the MCP log level names (`constexpr std::array kLevels = {"debug",
  // ..., "emergency"}`, a name→value map) read by a logging API or next to a
  // logging anchor: its declaration and uses, and the functions looking levels
  // up in it become APIs.
  bool level_tables() {
    if (v_.levels.empty()) return false;
    bool changed = false;
    for (const auto& [vusr, v] : idx_.vars) {
      if (tables_.count(vusr) || v.decls.empty() || !names_most_levels(v.string_values)) continue;
      const Evidence* tie = nullptr;
      std::string user;
      if (auto it = refs_to_.find(vusr); it != refs_to_.end())
        for (const auto* r : it->second) {
          if (auto a = apis_.find(r->in_function); a != apis_.end() && (!tie || a->second.confidence > tie->confidence)) {
            tie = &a->second;
            user = r->in_function;
          }
          // Read by a helper a logging API calls (`level_index(level)` in the setLevel handler).
          if (auto c = calls_to_.find(r->in_function); !tie && c != calls_to_.end())
            for (const CallFact* call : c->second)
              if (auto a = apis_.find(call->caller); !tie && a != apis_.end() && a->second.depth <= 1) {
                tie = &a->second;
                user = call->caller;
              }
          if (auto sd = seeds_in_.find(r->in_function); !tie && sd != seeds_in_.end())
            for (const Seed* seed : sd->second)
              if (seed->feature == f()) {
                tables_[vusr] = Evidence{kTiedType, 1, {Step{seed->at, seed->what}}};
                changed = true;
              }
        }
      if (tie) {
        Evidence e{kTiedType, tie->depth + 1, {Step{first_decl(idx_.functions.at(user)), "is read by " + idx_.functions.at(user).qualified}}};
        e.via.insert(e.via.end(), tie->via.begin(), tie->via.end());
        tables_[vusr] = std::move(e);
        changed = true;
      }
      if (!tables_.count(vusr)) continue;
      const Evidence& te = tables_.at(vusr);
      if (auto it = refs_to_.find(vusr); it != refs_to_.end())
        for (const auto* r : it->second) {
          if (r->in_function.empty() || apis_.count(r->in_function) || dispatchers_.count(r->in_function)) continue;
          Evidence e{te.confidence - 5, te.depth + 1, {Step{r->at, "looks up a level in " + v.name}}};
          e.via.insert(e.via.end(), te.via.begin(), te.via.end());
          changed |= add(apis_, r->in_function, std::move(e));
        }
    }
    return changed;
  }

  void report_level_tables() {
    for (const auto& [vusr, e] : tables_) {
      const VarFact& v = idx_.vars.at(vusr);
      const Loc d = *v.decls.begin();
      for (unsigned line = d.line; line <= std::max(d.line, v.last_line) && line < d.line + 12; ++line)
        emit(Loc{d.file, line, line == d.line ? d.column : 1}, e.confidence, "declares " + v.name + ", the MCP log level names", e.via);
      report_refs(vusr, e.confidence - 5, "uses " + v.name + ", the MCP log level names", e.via);
    }
  }

  // The capability member: a field named for the feature read or written on
  // an anchor's line (`caps.sampling = from_json<SamplingParams>(j["sampling"])`).
  // It counts where declared and used; its record type is the capability's
  // type unless fields of other names share it (an EmptyCapability).
  bool capability_fields() {
    bool changed = false;
    for (const auto& [usr, seeds] : seeds_in_)
      for (const Seed* s : seeds) {
        if (s->feature != f()) continue;
        // On the key's line (`caps.sampling = j["sampling"]`), or, for a
        // capability key tested in a condition, in the branch it guards
        // (`if (caps.contains("roots"))\n    supports_roots_ = true;`).
        const unsigned reach = s->anchor == "capability" ? 2 : 0;
        for (unsigned line = s->at.line; line <= s->at.line + reach; ++line)
          if (auto r = lines_.refs_at.find({s->at.file, line}); r != lines_.refs_at.end())
            for (const index::RefFact* ref : r->second)
              if (line == s->at.line || ref->in_function == usr) changed |= capability_member(ref->target, *s);
      }
    return changed;
  }

  // A member named for the feature, next to its capability key: the
  // capability's member, and its type the capability's when no member of
  // another name shares it.
  bool capability_member(const std::string& target, const Seed& s) {
    auto v = idx_.vars.find(target);
    if (v == idx_.vars.end() || !v->second.is_field || fields_.count(target) || !has_hint_word(v->second.name, v_)) return false;
    fields_[target] = Evidence{kTiedType, 1, {Step{s.at, s.what}}};
    for (const auto& t : v->second.type_usrs) {
      auto tt = idx_.types.find(t);
      if (tt == idx_.types.end() || !in_project(tt->second) || types_.count(t) || shared_type(t)) continue;
      add(types_, t, Evidence{kTiedType, 1, {Step{*v->second.decls.begin(), "is the type of the member " + v->second.name},
                                             Step{s.at, s.what}}});
    }
    return true;
  }

  bool shared_type(const std::string& type) const {
    for (const auto& [vusr, v] : idx_.vars)
      if (v.is_field && v.type_usrs.count(type) && !has_hint_word(v.name, v_)) return true;
    return false;
  }

  // A member or variable named for the feature that a feature API, or a
  // function holding the feature's method string (even a dispatcher: its
  // `sampling_cb` in the branch of "sampling/createMessage"), reads or writes
  // (`log_level_ = index;` in the setLevel handler) is the feature's: declared
  // and used. A function named for the feature that reads or writes such a
  // member (`get_sampling_callback()`) is the feature's API.
  bool tied_members() {
    bool changed = false;
    auto tie = [&](const std::string& in_function, const Evidence& e, const std::string& how) {
      for (auto r = lines_.refs_in.find(in_function); r != lines_.refs_in.end() && r->first == in_function; ++r) {
        const index::RefFact* ref = r->second;
        auto v = idx_.vars.find(ref->target);
        if (v == idx_.vars.end() || v->second.decls.empty() || !has_hint_word(v->second.name, v_)) continue;
        Evidence te{kTiedName, e.depth + 1, with_step(Step{ref->at, how}, e.via)};
        changed |= add(tied_vars_, ref->target, std::move(te));
      }
    };
    for (const auto& [usr, e] : apis_)
      if (e.depth <= 1) tie(usr, e, "is used by a " + f() + " API");
    // A local named for the feature in a function calling one of its APIs
    // (`bool sampling_called` in a test that sets a sampling callback).
    for (const auto& [usr, e] : apis_) {
      if (e.confidence < kMediumConfidence) continue;
      const FunctionFact& api = idx_.functions.at(usr);
      for_each_call(usr, api, [&](const CallFact& c, int cost) {
        if (cost || c.caller.empty()) return;
        auto locals = lines_.locals_of.find(c.caller);
        if (locals == lines_.locals_of.end()) return;
        for (const VarFact* v : locals->second)
          if (!v->decls.empty() && has_hint_word(v->name, v_))
            changed |= add(tied_vars_, v->usr, Evidence{kTiedName - 5, e.depth + 1,
                                                        with_step(Step{c.at, "is next to a call of " + api.qualified}, e.via)});
      });
    }
    for (const auto& [usr, seeds] : seeds_in_)
      for (const Seed* s : seeds)
        if (s->feature == f() && method_lines_.count(std::make_pair(s->at.file, s->at.line))) {
          tie(usr, Evidence{kSeedApi, 0, {Step{s->at, s->what}}}, "is used next to the method string");
          break;
        }
    std::vector<std::pair<std::string, Evidence>> found;
    // A function named for the feature reading a capability member
    // (`supports_roots() { return supports_roots_; }`) answers whether the
    // capability is there: the capability's accessor.
    std::vector<std::pair<std::string, const Evidence*>> tied;
    for (const auto* members : {&tied_vars_, &fields_})
      for (const auto& [vusr, te] : *members) tied.emplace_back(vusr, &te);
    for (const auto& [vusr, tep] : tied) {
      const Evidence& te = *tep;
      if (te.depth >= opt_.max_depth) continue;
      auto it = refs_to_.find(vusr);
      if (it == refs_to_.end()) continue;
      for (const auto* r : it->second) {
        auto fn = idx_.functions.find(r->in_function);
        if (fn == idx_.functions.end() || apis_.count(r->in_function) || dispatchers_.count(r->in_function) ||
            !has_hint_word(fn->second.name, v_) || is_plumbing(r->in_function, fn->second))
          continue;
        found.emplace_back(r->in_function, Evidence{kTiedName, te.depth + 1,
                                                    with_step(Step{r->at, "reads or writes " + idx_.vars.at(vusr).name}, te.via)});
      }
    }
    for (auto& [usr, e] : found) changed |= add(apis_, usr, std::move(e));
    return changed;
  }

  // Lambdas inside a feature API's body (visitors, callbacks) are part of it.
  bool nested_lambdas() {
    std::vector<std::pair<std::string, Evidence>> found;
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      if (fn.is_lambda || !fn.has_body || e.depth > 1 || fn.body_end - fn.body_begin.line > kMaxBodyLines) continue;
      auto it = lines_.lambdas_in.find(fn.body_begin.file);
      if (it == lines_.lambdas_in.end()) continue;
      for (const FunctionFact* l : it->second)
        if (l->body_begin.line >= fn.body_begin.line && l->body_end <= fn.body_end && !apis_.count(l->usr) &&
            !dispatchers_.count(l->usr))  // a handler of every method it makes (named_factories) is no part of one feature
          found.emplace_back(l->usr, e);
    }
    bool changed = false;
    for (auto& [usr, e] : found) {
      nested_.insert(usr);
      changed |= add(apis_, usr, std::move(e));
    }
    return changed;
  }

  bool in_project(const TypeFact& t) const { return !t.decls.empty(); }

  // Names three quarters of the feature's level scale (6 of the 8 MCP log
  // levels): the scale itself, not a project's own few severities.
  bool names_most_levels(const std::set<std::string>& names) const {
    if (v_.levels.empty()) return false;
    std::size_t n = 0;
    for (const auto& level : v_.levels) n += names.count(level);
    return n * 4 >= v_.levels.size() * 3;
  }

  static bool listed(const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  }

  // `name` is one of `names` (schema type names), or their C spelling
  // (`mcp_create_message_request_t`, the C API's handle of CreateMessageRequest).
  static bool names_schema_type(const std::vector<std::string>& names, const std::string& name) {
    if (listed(names, name)) return true;
    if (name.find('_') == std::string::npos) return false;
    const std::string spelled = schema_spelling(name);
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return schema_spelling(n) == spelled; });
  }

  void schema_types() {
    for (const auto& [usr, t] : idx_.types) {
      if (!in_project(t)) continue;
      if (names_schema_type(v_.strong_types, t.name) || (t.is_enum && listed(v_.strong_types, t.parent_name)))
        add(types_, usr, Evidence{kSchemaType, 0, {Step{*t.decls.begin(), "is the protocol type " + (t.name.empty() ? t.parent_name : t.name)}}});
    }
  }

  // The type is named by a feature API's signature, or referenced in a function holding a seed of the feature.
  bool tied(const TypeFact& t, const std::string& usr, std::string& why, Loc& where) const {
    if (auto it = type_users_.find(usr); it != type_users_.end())
      for (const FunctionFact* fn : it->second)
        if (auto a = apis_.find(fn->usr); a != apis_.end() && !a->second.named_only) {
          why = "is taken or returned by " + fn->qualified;
          where = first_decl(*fn);
          return true;
        }
    // Named for the feature by its namespace alone (`sampling::handlers::
    // CurlResponse`): a provider's plumbing living next to the feature's
    // handlers is used beside its anchors too; only a signature ties it.
    if (!listed(v_.weak_types, t.name) && !(t.is_enum && names_most_levels(t.enumerators)) && !has_hint_word(t.name, v_))
      return false;
    std::vector<std::string> targets{usr};
    targets.insert(targets.end(), t.enumerator_usrs.begin(), t.enumerator_usrs.end());
    for (const auto& target : targets)
      if (auto it = refs_to_.find(target); it != refs_to_.end())
        for (const auto* r : it->second)
          if (auto s = seeds_in_.find(r->in_function); s != seeds_in_.end())
            for (const Seed* seed : s->second)
              if (seed->feature == f()) {
                why = "is used next to a protocol anchor";
                where = seed->at;
                return true;
              }
    return false;
  }

  bool tied_types() {
    bool changed = false;
    for (const auto& [usr, t] : idx_.types) {
      if (!in_project(t) || types_.count(usr)) continue;
      // A weak schema name (Root), or the project's own type named for the
      // feature (SamplingParams, sampling::Options), once a feature API takes or returns it.
      bool candidate = listed(v_.weak_types, t.name) || named_for_feature(t.name, t.qualified);
      if (t.is_enum && names_most_levels(t.enumerators)) candidate = true;
      std::string why;
      Loc where;
      if (candidate && tied(t, usr, why, where)) changed |= add(types_, usr, Evidence{kTiedType, 1, {Step{where, why}}});
    }
    // A class built on a feature type and named after it (`class
    // SamplingMessageBuilder : public Builder<SamplingMessage, ...>`, a
    // handler deriving from the feature's handler): the feature's helper type.
    for (const auto& [usr, t] : idx_.types) {
      if (!in_project(t) || types_.count(usr) || t.bases.empty()) continue;
      const bool named = named_for_feature(t.name, t.qualified);
      for (const auto& b : t.bases) {
        auto base = types_.find(b);
        if (base == types_.end() || base->second.depth >= opt_.max_depth) continue;
        const std::string& base_name = idx_.types.at(b).name;
        if (!named && (base_name.size() < 4 || t.name.find(base_name) == std::string::npos)) continue;
        Evidence e{std::min(base->second.confidence, kTiedType), base->second.depth + 1,
                   with_step(Step{*t.decls.begin(), "is built on " + base_name}, base->second.via)};
        changed |= add(types_, usr, std::move(e));
        break;
      }
    }
    // Aliases of feature types.
    for (const auto& [usr, t] : idx_.types) {
      // An alias naming several project types (a variant of every request) is not dedicated to one.
      // (unless the alias is named for the feature: `using SamplingCallback = std::function<SamplingResult(...)>`).
      if (t.aliased.empty() || (t.aliased.size() > 2 && !has_hint_word(t.name, v_)) || types_.count(usr) || !in_project(t))
        continue;
      for (const auto& a : t.aliased)
        if (auto it = types_.find(a); it != types_.end() && a != usr) {
          Evidence e = it->second;
          e.confidence -= 5;
          e.depth += 1;
          e.via.insert(e.via.begin(), Step{*idx_.types.at(a).decls.begin(), "names " + idx_.types.at(a).name});
          changed |= add(types_, usr, std::move(e));
          break;
        }
    }
    return changed;
  }

  // A project type that only this feature's APIs take or return (its own methods aside).
  bool exclusive_types() {
    bool changed = false;
    for (const auto& [usr, users] : type_users_) {
      if (types_.count(usr)) continue;
      auto t = idx_.types.find(usr);
      if (t == idx_.types.end() || !in_project(t->second) || !t->second.aliased.empty()) continue;
      const FunctionFact* via = nullptr;
      bool exclusive = true;
      for (const FunctionFact* fn : users) {
        if (fn->parent_usr == usr || fn->is_lambda) continue;
        // Every user holds the feature's anchor itself: a caller promoted to
        // an API (`log_start(Transport& t)`) does not make its sender type the
        // feature's.
        auto a = apis_.find(fn->usr);
        if (a == apis_.end() || a->second.depth > 0) {
          exclusive = false;
          break;
        }
        if (!via || a->second.depth < apis_.at(via->usr).depth) via = fn;
      }
      if (!exclusive || !via || apis_.at(via->usr).depth > 0) continue;
      const Evidence& api = apis_.at(via->usr);
      Evidence e{kExclusiveType, api.depth + 1, {Step{first_decl(*via), "is taken or returned only by " + f() + " APIs such as " + via->qualified}}};
      e.via.insert(e.via.end(), api.via.begin(), api.via.end());
      changed |= add(types_, usr, std::move(e));
    }
    return changed;
  }

  bool type_users_as_apis() {
    bool changed = false;
    for (const auto& [usr, te] : types_) {
      if (te.depth >= opt_.max_depth) continue;
      auto it = type_users_.find(usr);
      if (it == type_users_.end()) continue;
      const TypeFact& t = idx_.types.at(usr);
      for (const FunctionFact* fn : it->second) {
        if (apis_.count(fn->usr) || dispatchers_.count(fn->usr)) continue;
        Evidence e{te.confidence - 10, te.depth + 1, {Step{first_decl(*fn), "takes or returns " + t.name}}};
        e.via.insert(e.via.end(), te.via.begin(), te.via.end());
        e.converter = te.depth == 0;
        changed |= add(apis_, fn->usr, std::move(e));
      }
    }
    return changed;
  }

  bool override_closure() {
    bool changed = false;
    std::vector<std::pair<std::string, Evidence>> found;
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      auto relate = [&](const std::string& other, const char* how) {
        auto o = idx_.functions.find(other);
        if (o == idx_.functions.end() || apis_.count(other)) return;
        Evidence oe = e;
        oe.via.insert(oe.via.begin(), Step{first_decl(fn), std::string(how) + " " + fn.qualified});
        found.emplace_back(other, std::move(oe));
      };
      for (const auto& base : fn.overrides) relate(base, "is overridden by");
      if (auto it = overridden_by_.find(usr); it != overridden_by_.end())
        for (const auto& d : it->second) relate(d, "overrides");
    }
    for (auto& [usr, e] : found) changed |= add(apis_, usr, std::move(e));
    return changed;
  }

  bool strong_caller(const FunctionFact& caller, const CallFact& call) const {
    if (call.returned) return true;
    // A short lambda calling an API is that API's handler or callback (it has no name to carry the feature).
    if (caller.is_lambda && caller.has_body && caller.body_end - caller.body_begin.line <= kMaxLambdaLines) return true;
    if (named_for_feature(caller.name, caller.qualified)) return true;
    for (const auto& t : caller.type_usrs)
      if (types_.count(t)) return true;
    // A function holding a variable of a feature type, or naming one of its
    // values (a test that builds a sampling request and checks the result,
    // `debug(msg) { log(LogLevel::Debug, msg); }`), works with the feature.
    if (auto it = lines_.locals_of.find(caller.usr); it != lines_.locals_of.end())
      for (const VarFact* v : it->second)
        for (const auto& t : v->type_usrs)
          if (types_.count(t)) return true;
    for (auto r = lines_.refs_in.find(caller.usr); r != lines_.refs_in.end() && r->first == caller.usr; ++r) {
      auto owner = lines_.enum_of.find(r->second->target);
      if (types_.count(r->second->target) || (owner != lines_.enum_of.end() && types_.count(owner->second))) return true;
    }
    // Calling the feature's APIs from two or more lines (a tool that logs three
    // messages, a test exercising sampling) is working with the feature.
    std::set<unsigned> lines;
    if (auto it = lines_.calls_from.find(caller.usr); it != lines_.calls_from.end())
      for (const CallFact* c : it->second)
        if (!c->callee.empty() && apis_.count(c->callee)) lines.insert(c->at.line);
    return lines.size() >= 2;
  }

  // Calls to an API (resolved, or dependent calls matched by name and arity).
  template <typename F>
  void for_each_call(const std::string& usr, const FunctionFact& api, F&& visit) const {
    if (auto it = calls_to_.find(usr); it != calls_to_.end())
      for (const CallFact* c : it->second) visit(*c, 0);
    if (api.name.size() < 5 || api.name.rfind("operator", 0) == 0 || ambiguous(api)) return;
    if (auto it = calls_by_name_.find(api.name); it != calls_by_name_.end())
      for (const CallFact* c : it->second)
        if (c->arity <= api.arity) visit(*c, kByNameCost);
  }

  // A name that other project functions of a compatible arity share (the
  // `serialize` of a trait specialised for every type) does not designate
  // this API: dependent calls and macro bodies naming it stay unresolved.
  bool ambiguous(const FunctionFact& api) const {
    auto it = lines_.functions_by_name.find(api.name);
    if (it == lines_.functions_by_name.end()) return false;
    for (const FunctionFact* other : it->second)
      if (other->usr != api.usr && other->arity == api.arity && !apis_.count(other->usr)) return true;
    return false;
  }

  bool promote_callers() {
    std::vector<std::pair<std::string, Evidence>> found;
    for (const auto& [usr, e] : apis_) {
      if (e.depth >= opt_.max_depth) continue;
      const FunctionFact& api = idx_.functions.at(usr);
      for_each_call(usr, api, [&](const CallFact& c, int cost) {
        if (c.caller.empty() || c.caller == usr || apis_.count(c.caller) || dispatchers_.count(c.caller)) return;
        auto caller = idx_.functions.find(c.caller);
        if (caller == idx_.functions.end() || entry_point(caller->second) || !strong_caller(caller->second, c)) return;
        // A caller named for the feature (`set_sampling_callback` forwarding to
        // its `_impl`) loses less confidence than one tied by its types or calls.
        const int step = named_for_feature(caller->second.name, caller->second.qualified) ? kNamedPromotionCost : kPromotionCost;
        Evidence ce{e.confidence - step - cost, e.depth + 1, {Step{c.at, "calls " + api.qualified}}};
        ce.via.insert(ce.via.end(), e.via.begin(), e.via.end());
        found.emplace_back(c.caller, std::move(ce));
      });
    }
    // What is handed to a call of a feature API named for the feature is its
    // handler, as sure as the call: a lambda (`client.set_sampling_callback(
    // [&](const Json& in) { ... })`), reported where it is registered, with
    // its body; a function named for the feature called in the call's
    // arguments (`set_sampling_callback(sampling::create_sampling_callback(
    // [&](...) {...}))`), a factory of the handler, whose lambdas are handed on.
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& api = idx_.functions.at(usr);
      if (e.confidence < kMediumConfidence || !named_for_feature(api.name, api.qualified)) continue;
      for_each_call(usr, api, [&](const CallFact& c, int cost) {
        if (cost) return;
        auto handed = [&](const std::string& target, Loc at) {
          Evidence he{std::min(e.confidence, kHandler), e.depth + 1, with_step(Step{at, "is handed to " + api.qualified}, e.via)};
          he.handed = true;
          found.emplace_back(target, std::move(he));
        };
        if (auto ls = lines_.lambdas_in.find(c.at.file); ls != lines_.lambdas_in.end())
          for (const FunctionFact* l : ls->second)
            if (l->registered_at == c.at && !apis_.count(l->usr)) handed(l->usr, c.at);
        if (const auto* here = find_calls(c.at.file, c.at.line))
          for (const CallFact* inner : *here)
            if (auto fn = idx_.functions.find(inner->callee); inner->caller == c.caller && inner->at.column > c.at.column &&
                                                               fn != idx_.functions.end() && named_candidate(inner->callee, fn->second))
              handed(inner->callee, inner->at);
      });
    }
    bool changed = false;
    for (auto& [usr, e] : found) changed |= add(apis_, usr, std::move(e));
    return changed;
  }

  void emit(Loc at, int confidence, std::string summary, const std::vector<Step>& via) {
    if (confidence < kMinConfidence) return;
    out_.push_back(Inferred{f(), at, confidence, std::move(summary), via});
  }

  void report_apis() {
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      // A registered lambda is reported where it is registered (the handler's
      // entry) and, when it starts on a line of its own, where it starts.
      if (fn.is_lambda && fn.registered_at.line && !nested_.count(usr)) {
        emit(fn.registered_at, e.confidence - 5, "registers " + fn.qualified + " as a handler", e.via);
        if (e.handed && first_decl(fn).line != fn.registered_at.line)
          emit(first_decl(fn), e.confidence, "is the " + f() + " handler registered at line " +
                                                     std::to_string(fn.registered_at.line), e.via);
      } else
        for (Loc d : fn.decls)
          if (!lines_.macro_sites.count(d)) emit(d, e.confidence, "declares " + fn.qualified, e.via);
      for_each_call(usr, fn, [&](const CallFact& c, int cost) {
        emit(c.at, e.confidence - cost, "calls " + fn.qualified, e.via);
      });
      if (auto it = refs_to_.find(usr); it != refs_to_.end())
        for (const auto* r : it->second) emit(r->at, e.confidence, "refers to " + fn.qualified, e.via);
    }
  }

  // Inside a feature API's body: the JSON keys it builds or reads (a
  // CreateMessageRequest's "messages", a notification's "level") and the
  // variables initialised from another feature API's result.
  void report_api_bodies() {
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      if (e.depth > 1 || !fn.has_body || fn.body_end - fn.body_begin.line > kMaxApiBodyLines) continue;
      // A body dense with the feature keeps all its keys; a converter between
      // the feature's messages and another protocol's, or a function sending
      // or answering the method among other work (a fake client in a test),
      // keeps the keys that are the feature's fields.
      const bool all_keys = !e.fields_only && fn.body_end - fn.body_begin.line <= kMaxBodyLines && dense_.count(usr);
      if (!all_keys && !e.fields_only && !e.converter && e.depth > 0) continue;
      for (auto k = idx_.key_literals.lower_bound(index::KeyLiteralFact{usr, Loc{}, {}});
           k != idx_.key_literals.end() && k->in_function == usr; ++k)
        if (all_keys || listed(v_.fields, k->value))
          emit(k->at, e.confidence - 25, "builds or reads the field \"" + k->value + "\" in " + fn.qualified, e.via);
    }
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& api = idx_.functions.at(usr);
      if (e.field_converter) continue;
      for_each_call(usr, api, [&](const CallFact& c, int cost) {
        if (c.initializes.empty()) return;
        auto v = idx_.vars.find(c.initializes);
        const std::string name = v == idx_.vars.end() ? std::string("a variable") : v->second.name;
        std::vector<Step> via{Step{c.at, "holds the result of " + api.qualified}};
        via.insert(via.end(), e.via.begin(), e.via.end());
        report_refs(c.initializes, e.confidence - kHolderCost - cost, "uses " + name, via);
      });
    }
  }

  // The body of a function that sends, handles or builds the feature's
  // messages is the feature's code: every line of it that uses a variable or
  // calls a function is one to review when the feature goes (blank lines,
  // braces and comments hold neither; naming a type is not using data). Functions reached only through callers
  // or types (depth > 0) keep their declarations and calls only.
  void report_api_lines() {
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      const bool short_body = fn.body_end - fn.body_begin.line <= kMaxLambdaLines;
      const bool handler = fn.is_lambda && short_body;  // a short callback
      const bool reader = e.named_reader && short_body && fn.has_body;
      const bool handed = e.handed && short_body && fn.has_body;
      if (!reader && !handed && ((e.depth > 0 && !handler) || e.fields_only || !fn.has_body ||
                      fn.body_end - fn.body_begin.line > kMaxApiBodyLines || !dense_.count(usr)))
        continue;
      const std::string summary = "is part of " + fn.qualified;
      const std::vector<Step> via = with_step(Step{first_decl(fn), "is a " + f() + " API"}, e.via);
      // A reader's body is about the data it was handed: the lines that
      // follow that data are nearly as sure as its name (the string it
      // builds from it is its own).
      if (reader) {
        for (Loc at : parameter_flow_sites(usr)) emit(at, e.confidence - kReaderLineCost, summary, via);
        continue;
      }
      // A handed lambda's lines are its registration's.
      const int cost = handed ? kHandedLineCost : kBodyLineCost;
      for (Loc at : working_sites(usr)) emit(at, e.confidence - cost, summary, via);
    }
  }

  // The lines of a function's body that use a variable or call a function.
  // Where a function's body uses a variable (naming a type, `return
  // json::object()`, is not using feature data) or calls a function. (Lines
  // declaring a local without using anything, `std::optional<int> index;`,
  // are left out: on fastmcpp they added 20 sites of which 7 were right.)
  std::vector<Loc> working_sites(const std::string& usr) const {
    std::vector<Loc> sites;
    for (auto r = lines_.refs_in.find(usr); r != lines_.refs_in.end() && r->first == usr; ++r)
      if (!idx_.types.count(r->second->target)) sites.push_back(r->second->at);
    if (auto c = lines_.calls_from.find(usr); c != lines_.calls_from.end())
      for (const CallFact* call : c->second) sites.push_back(call->at);
    return sites;
  }

  // Where a function's body uses its parameters, or locals declared from
  // them (`json blocks = result["content"]`, `for (auto& block : blocks)`),
  // transitively: the lines that follow the data it was handed.
  std::vector<Loc> parameter_flow_sites(const std::string& usr) const {
    std::vector<Loc> sites;
    auto l = lines_.locals_of.find(usr);
    if (l == lines_.locals_of.end()) return sites;
    std::set<std::string> tracked;
    for (const VarFact* v : l->second)
      if (v->is_param) tracked.insert(v->usr);
    // (file, line) of each use of a tracked variable, grown until no local is added.
    auto uses = [&] {
      std::set<std::pair<std::uint32_t, unsigned>> lines;
      for (auto r = lines_.refs_in.find(usr); r != lines_.refs_in.end() && r->first == usr; ++r)
        if (tracked.count(r->second->target)) lines.insert({r->second->at.file, r->second->at.line});
      return lines;
    };
    for (bool grew = true; grew;) {
      grew = false;
      const auto used = uses();
      for (const VarFact* v : l->second)
        if (!v->is_param && !v->decls.empty() && !tracked.count(v->usr) &&
            used.count({v->decls.begin()->file, v->decls.begin()->line}))
          grew = tracked.insert(v->usr).second;
    }
    for (auto r = lines_.refs_in.find(usr); r != lines_.refs_in.end() && r->first == usr; ++r)
      if (tracked.count(r->second->target)) sites.push_back(r->second->at);
    return sites;
  }

  // A body is the feature's when at least a third of its working lines
  // already carry the feature (its seeds, calls of its APIs, uses of its
  // types, as reported so far): a request builder is; a long test that sends
  // the method once among other checks is not, and keeps only those lines.
  void judge_dense_bodies() {
    std::set<std::pair<std::uint32_t, unsigned>> evident_lines;
    for (const auto& r : out_)
      if (r.feature == f()) evident_lines.insert({r.at.file, r.at.line});
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      if (!fn.has_body) continue;
      std::size_t evident = 0;
      if (auto s = seeds_in_.find(usr); s != seeds_in_.end())
        for (const Seed* seed : s->second) evident += seed->feature == f() && !evident_lines.count({seed->at.file, seed->at.line});
      std::set<unsigned> lines;
      for (Loc at : working_sites(usr)) lines.insert(at.line);
      for (unsigned l : lines) evident += evident_lines.count({fn.body_begin.file, l});
      if (evident * 3 >= lines.size()) dense_.insert(usr);
    }
  }

  // Declared on `at`'s line before it: a local whose initializer holds `at`.
  static bool declared_before_on_line(const VarFact& v, Loc at) {
    if (v.decls.empty()) return false;
    const Loc d = *v.decls.begin();
    return d.file == at.file && d.line == at.line && d.column < at.column;
  }

  // The function's locals whose initializer holds `at`.
  std::vector<const VarFact*> locals_initialised_at(const std::string& usr, Loc at) const {
    std::vector<const VarFact*> out;
    if (auto vars = lines_.locals_of.find(usr); vars != lines_.locals_of.end())
      for (const VarFact* v : vars->second)
        if (declared_before_on_line(*v, at)) out.push_back(v);
    return out;
  }

  static std::vector<Step> with_step(Step first, const std::vector<Step>& rest) {
    std::vector<Step> out{std::move(first)};
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
  }

  void report_refs(const std::string& usr, int confidence, const std::string& summary, const std::vector<Step>& via) {
    if (auto it = refs_to_.find(usr); it != refs_to_.end())
      for (const auto* r : it->second) emit(r->at, confidence, summary, via);
  }

  void report_types() {
    for (const auto& [usr, e] : types_) {
      const TypeFact& t = idx_.types.at(usr);
      const std::string name = t.name.empty() ? t.parent_name : t.name;
      for (Loc d : t.decls) emit(d, e.confidence, "declares the type " + name, e.via);
      for (Loc d : t.enumerator_decls) emit(d, e.confidence - 5, "declares a value of " + name, e.via);
      report_refs(usr, e.confidence - 5, "uses the type " + name, e.via);
      for (const auto& en : t.enumerator_usrs) report_refs(en, e.confidence - 5, "uses a value of " + name, e.via);
    }
    for (const auto& [vusr, v] : idx_.vars) {
      if (v.is_field && types_.count(v.owner)) {
        const auto& te = types_.at(v.owner);
        const std::string what = "member " + idx_.types.at(v.owner).name + "::" + v.name;
        for (Loc d : v.decls) emit(d, te.confidence - 5, "declares the " + what, te.via);
        report_refs(vusr, te.confidence - 10, "uses the " + what, te.via);
        continue;
      }
      if (!v.decls.empty() && lines_.macro_sites.count(*v.decls.begin())) continue;
      for (const auto& t : v.type_usrs) {
        auto te = types_.find(t);
        if (te == types_.end()) continue;
        const TypeFact& type = idx_.types.at(t);
        const std::string what = v.name + " of type " + type.name;
        // An alias (a callback type) is reused for other purposes more often
        // than a record, unless it is named for the feature (`SamplingHandlerResult`):
        // then it is the feature's as much as a record of that name.
        const int alias_cost = type.aliased.empty() || has_hint_word(type.name, v_) ? 0 : 10;
        for (Loc d : v.decls) emit(d, te->second.confidence - 10 - alias_cost, "declares " + what, te->second.via);
        report_refs(vusr, te->second.confidence - 20 - alias_cost, "uses " + what, te->second.via);
        break;
      }
    }
    for (const auto& [fusr, fn] : idx_.functions) {
      auto te = types_.find(fn.parent_usr);
      if (fn.parent_usr.empty() || te == types_.end() || apis_.count(fusr)) continue;
      const std::string what = idx_.types.at(fn.parent_usr).name + "::" + fn.name;
      for (Loc d : fn.decls) emit(d, te->second.confidence - 5, "declares the member " + what, te->second.via);
      if (auto it = calls_to_.find(fusr); it != calls_to_.end())
        for (const CallFact* c : it->second) emit(c->at, te->second.confidence - 10, "calls " + what, te->second.via);
    }
  }

  // Weak evidence: names carrying the feature's word inside classes that have a feature API.
  void report_hints() {
    std::map<std::string, const Evidence*> tied_classes;
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      if (!fn.parent_usr.empty() && e.depth == 0) tied_classes.emplace(fn.parent_usr, &e);
    }
    for (const auto& [vusr, v] : idx_.vars) {
      if (!v.is_field || !tied_classes.count(v.owner) || !has_hint_word(v.name, v_)) continue;
      const Evidence& e = *tied_classes.at(v.owner);
      for (Loc d : v.decls) emit(d, kHint, "declares the member " + v.name + " in a class with a " + f() + " API", e.via);
      report_refs(vusr, kHint, "uses the member " + v.name + " of a class with a " + f() + " API", e.via);
    }
    for (const auto& [fusr, fn] : idx_.functions) {
      if (apis_.count(fusr) || !tied_classes.count(fn.parent_usr) || !has_hint_word(fn.name, v_)) continue;
      const Evidence& e = *tied_classes.at(fn.parent_usr);
      for (Loc d : fn.decls) emit(d, kHint, "declares " + fn.qualified + " in a class with a " + f() + " API", e.via);
      if (auto it = calls_to_.find(fusr); it != calls_to_.end())
        for (const CallFact* c : it->second) emit(c->at, kHint, "calls " + fn.qualified, e.via);
    }
  }

  // A member or variable named for the feature that a feature API reads or
  // writes (`log_level_ = index;` in the setLevel handler): declared and used.
  void report_tied_members() {
    for (const auto& [vusr, te] : tied_vars_) {
      const VarFact& v = idx_.vars.at(vusr);
      const std::string what = v.is_field ? "the member " + v.name : v.name;
      for (Loc d : v.decls) emit(d, te.confidence, "declares " + what, te.via);
      report_refs(vusr, te.confidence - 5, "uses " + what, te.via);
    }
    for (const auto& [vusr, e] : fields_) {
      const VarFact& v = idx_.vars.at(vusr);
      for (Loc d : v.decls) emit(d, e.confidence, "declares the capability member " + v.name, e.via);
      report_refs(vusr, e.confidence - 5, "uses the capability member " + v.name, e.via);
    }
  }

  // A chain of calls on one expression that calls a feature API or
  // initialises a variable of a feature type (`auto r = make<CreateMessageResult>(
  // ...)\n .text("x")\n .build();`) is the feature's on every line it spans:
  // each link is reported where its name is written, below the chain's start
  // (the APIs' links are already, as references to them).
  void report_chain_links() {
    for (const auto& [start, calls] : lines_.chains) {
      if (calls.size() < 2) continue;
      const Evidence* tie = nullptr;
      std::string what;
      for (const CallFact* c : calls)
        if (auto a = apis_.find(c->callee); a != apis_.end() && (!tie || a->second.confidence > tie->confidence)) {
          tie = &a->second;
          what = "a chain calling " + idx_.functions.at(c->callee).qualified;
        }
      for (const CallFact* c : calls)
        if (auto v = idx_.vars.find(c->initializes); v != idx_.vars.end())
          for (const auto& t : v->second.type_usrs)
            if (auto te = types_.find(t); te != types_.end() && (!tie || te->second.confidence > tie->confidence)) {
              tie = &te->second;
              what = "a chain building " + idx_.types.at(t).name;
            }
      if (!tie || tie->confidence < kMediumConfidence) continue;
      for (const CallFact* c : calls)
        if (!apis_.count(c->callee))
          if (auto link = link_site(*c)) emit(*link, tie->confidence - kChainLinkCost, "continues " + what, tie->via);
    }
  }

  // Outside the feature's APIs (a long test, a setup function), a message
  // literal or a run of reads around one of the feature's field seeds
  // (`{"messages", ...}, {"maxTokens", 64}, {"toolChoice", ...}`,
  // `out.value("stopReason")`, `out["content"]`): the keys written with it,
  // line after line, that are the feature's fields belong to the same message.
  void report_field_clusters() {
    for (const auto& [usr, seeds] : seeds_in_) {
      std::vector<const index::KeyLiteralFact*> keys;
      for (auto k = idx_.key_literals.lower_bound(index::KeyLiteralFact{usr, Loc{}, {}});
           k != idx_.key_literals.end() && k->in_function == usr; ++k)
        keys.push_back(&*k);
      for (const Seed* s : seeds) {
        if (s->feature != f() || s->anchor != "field") continue;
        const std::vector<Step> via{Step{s->at, s->what}};
        auto seed_key = std::find_if(keys.begin(), keys.end(), [&](const auto* k) { return k->at.file == s->at.file && k->at.line == s->at.line; });
        if (seed_key == keys.end()) continue;
        auto visit = [&](const index::KeyLiteralFact* k) {
          if (listed(v_.fields, k->value) && k->at.line != s->at.line)  // the seed's line is the rule's
            emit(k->at, kClusterField, "writes or reads \"" + k->value + "\" with the " + f() + " message field at line " +
                                           std::to_string(s->at.line), via);
        };
        // Keys are sorted by position: walk away from the seed both ways while
        // each next key is close to the last one kept.
        unsigned edge = s->at.line;
        for (auto k = seed_key; k != keys.end() && (*k)->at.file == s->at.file; ++k) {
          if ((*k)->at.line > edge + kClusterGap || (*k)->at.line > s->at.line + kClusterReach) break;
          edge = (*k)->at.line;
          visit(*k);
        }
        edge = s->at.line;
        const index::KeyLiteralFact* first = *seed_key;
        for (auto k = seed_key; k != keys.begin();) {
          --k;
          if ((*k)->at.file != s->at.file || (*k)->at.line + kClusterGap < edge || (*k)->at.line + kClusterReach < s->at.line) break;
          edge = (*k)->at.line;
          first = *k;
          visit(*k);
        }
        if (const VarFact* v = message_local(usr, *first, *s)) report_holder(*v, *s, "a " + f() + " message");
      }
    }
  }

  // The local a message literal initialises, its first key on the line after
  // the declaration (`Json params = {\n {"messages", ...},\n {"maxTokens", 64}};`,
  // then `cb(params)`): declared alone on that line, not initialised by a
  // call, and no variable written before the first key on its line (`req["maxTokens"]`
  // is a write to `req`, not the literal of the local declared above it).
  const VarFact* message_local(const std::string& usr, const index::KeyLiteralFact& first, const Seed& s) const {
    auto locals = lines_.locals_of.find(usr);
    if (locals == lines_.locals_of.end()) return nullptr;
    if (auto r = lines_.refs_at.find({first.at.file, first.at.line}); r != lines_.refs_at.end())
      for (const index::RefFact* ref : r->second)
        if (ref->in_function == usr && ref->at.column < first.at.column) return nullptr;
    for (const VarFact* v : locals->second) {
      if (v->is_param || v->decls.empty()) continue;
      const Loc d = *v->decls.begin();
      if (d.file != s.at.file || d.line + 1 != first.at.line || lines_.initializers.count(v->usr)) continue;
      bool key_on_decl_line = false;
      for (auto k = idx_.key_literals.lower_bound(index::KeyLiteralFact{usr, Loc{d.file, d.line, 0}, {}});
           k != idx_.key_literals.end() && k->in_function == usr && k->at.file == d.file && k->at.line == d.line; ++k)
        key_on_decl_line = true;
      if (!key_on_decl_line) return v;
    }
    return nullptr;
  }

  // Where a call's name is written (its reference, on a line below the
  // expression's start), when it is not on the start's line.
  std::optional<Loc> link_site(const CallFact& c) const {
    auto refs = refs_to_.find(c.callee);
    if (c.callee.empty() || refs == refs_to_.end()) return std::nullopt;
    // The first reference at or after the start: on the start's line, the
    // link is where the chain is already reported (and a later line's
    // reference would be another expression's).
    std::optional<Loc> best;
    for (const index::RefFact* r : refs->second)
      if (r->in_function == c.caller && r->at.file == c.at.file && c.at <= r->at &&
          r->at.line <= c.at.line + kMaxChainLines && (!best || r->at < *best))
        best = r->at;
    if (best && best->line == c.at.line) return std::nullopt;
    return best;
  }

  // A local variable whose initializer holds a seed (`json n = make_notification(
  // kLogMessage, ...)`): its uses carry the feature's message.
  void report_seed_variables() {
    for (const auto& [usr, seeds] : seeds_in_) {
      const bool dispatcher = dispatchers_.count(usr) > 0;
      for (const Seed* s : seeds) {
        // A method string makes a message; a capability key in a capabilities
        // object does not. Inside a feature API, a local initialised from one
        // of the feature's fields (`const auto& mp = params["modelPreferences"]`)
        // holds that field's value. In a dispatcher (a function mixing
        // features: a capabilities parser) only a local named for the feature
        // on its capability key's line is the feature's.
        if (s->feature != f() || (dispatcher && s->anchor != "capability")) continue;
        if (!method_lines_.count(std::make_pair(s->at.file, s->at.line))) {
          if (s->anchor == "field" && apis_.count(usr))
            for (const VarFact* v : locals_initialised_at(usr, s->at))
              report_refs(v->usr, kSeedVariable - 5, "uses " + v->name + ", which holds a " + f() + " message field", {Step{s->at, s->what}});
          // A local named for the feature that the capability key's line
          // reads into or writes from (`roots_val = object_get(json, "roots")`,
          // `object_set(caps, "sampling", sampling_obj)`) holds the capability.
          if (s->anchor == "capability")
            for (const VarFact* v : locals_holding(usr, *s))
              if (has_hint_word(v->name, v_)) report_holder(*v, *s, "the " + f() + " capability");
          continue;
        }
        for (const VarFact* v : locals_holding(usr, *s)) report_holder(*v, *s, "a " + f() + " message");
      }
    }
  }

  void report_holder(const VarFact& v, const Seed& s, const std::string& what) {
    const std::vector<Step> via{Step{s.at, s.what}};
    emit(*v.decls.begin(), kSeedVariable, "declares " + v.name + ", which holds " + what, via);
    report_refs(v.usr, kSeedVariable - 5, "uses " + v.name + ", which holds " + what, via);
  }

  // The function's locals a seed's line fills or passes on: declared on the
  // line before the anchor (`json n = make_notification(kLogMessage, ...)`),
  // declared the line before and initialised by a call on either line, or
  // passed after the anchor (`send_request("x", params)`).
  std::vector<const VarFact*> locals_holding(const std::string& usr, const Seed& s) const {
    std::vector<const VarFact*> out;
    auto vars = lines_.locals_of.find(usr);
    if (vars == lines_.locals_of.end()) return out;
    for (const VarFact* v : vars->second) {
      if (v->decls.empty()) continue;
      const Loc d = *v->decls.begin();
      if (d.file != s.at.file) continue;
      bool holds = declared_before_on_line(*v, s.at);
      if (!holds && d.line + 1 == s.at.line)
        for (auto c = lines_.initializers.find(v->usr); c != lines_.initializers.end() && c->first == v->usr; ++c)
          holds = holds || c->second->at.line == d.line || c->second->at.line == s.at.line;
      if (!holds)
        if (auto r = lines_.refs_at.find({s.at.file, s.at.line}); r != lines_.refs_at.end())
          for (const index::RefFact* ref : r->second)
            holds = holds || (ref->target == v->usr && ref->at.column > s.at.column);
      if (holds) out.push_back(v);
    }
    return out;
  }

  // A macro whose body names a feature API: its definition and expansion
  // sites. A macro body is matched by name only, so an API tied by its name
  // alone, or named with nothing but a feature word (a capabilities
  // builder's `logging()`, when the logger macro names `mcp::logging::`),
  // does not count there.
  void report_macros() {
    std::map<std::string, std::pair<const FunctionFact*, const Evidence*>> by_name;
    for (const auto& [usr, e] : apis_) {
      const FunctionFact& fn = idx_.functions.at(usr);
      if (fn.name.size() >= 5 && !fn.is_lambda && !e.named_only && !ambiguous(fn) && !listed(v_.words, fn.name))
        by_name.emplace(fn.name, std::make_pair(&fn, &e));
    }
    for (const auto& [name, m] : idx_.macros) {
      for (const auto& id : m.identifiers) {
        auto it = by_name.find(id);
        if (it == by_name.end()) continue;
        const auto& [fn, e] = it->second;
        const int conf = e->confidence - 10;
        for (Loc d : m.definitions) emit(d, conf, "defines the macro " + name + ", which calls " + fn->qualified, e->via);
        for (auto x = idx_.macro_expansions.lower_bound({name, Loc{}}); x != idx_.macro_expansions.end() && x->first == name; ++x)
          emit(x->second, conf, "expands " + name + ", which calls " + fn->qualified, e->via);
        break;
      }
    }
  }

  const ProjectIndex& idx_;
  const FeatureVocabulary& v_;
  const std::vector<std::string>& capability_words_;
  const InferenceOptions& opt_;
  const std::set<std::pair<std::uint32_t, unsigned>>& method_lines_;
  const std::map<std::string, std::vector<const Seed*>>& seeds_in_;
  const std::set<std::string>& dispatchers_;
  const std::map<std::string, std::vector<const FunctionFact*>>& type_users_;
  const std::map<std::string, std::vector<const CallFact*>>& calls_to_;
  const std::map<std::string, std::vector<const CallFact*>>& calls_by_name_;
  const std::map<std::string, std::vector<std::string>>& overridden_by_;
  const std::map<std::string, std::vector<const index::RefFact*>>& refs_to_;
  const LineViews& lines_;
  std::vector<Inferred>& out_;
  std::map<std::string, Evidence> apis_;
  std::map<std::string, Evidence> types_;
  std::map<std::string, Evidence> tables_;  // log level name tables
  std::map<std::string, Evidence> fields_;  // capability members
  std::set<std::string> nested_;            // lambdas inside a feature API
  std::map<std::string, Evidence> tied_vars_;  // members and variables named for the feature, used by its code
  std::set<std::string> dense_;              // APIs whose body is the feature's (judge_dense_bodies)
};

}  // namespace

std::vector<Inferred> infer(const ProjectIndex& idx, const std::vector<Seed>& rule_seeds, const FeatureCatalog& catalog,
                            const InferenceOptions& options) {
  // The project's own method strings of a feature's family seed it as the rules' do.
  const std::vector<FamilySeed> family = family_seeds(idx, rule_seeds, catalog);
  std::vector<Seed> seeds = rule_seeds;
  for (const auto& fs : family) seeds.push_back(fs.seed);
  // Where each seed lies, and how many protocol concerns each function mixes.
  const BodyLookup bodies(idx);
  std::map<std::string, std::vector<const Seed*>> seeds_in;
  std::map<std::string, std::set<std::string>> features_in;
  for (const auto& s : seeds)
    if (const FunctionFact* fn = bodies.at(s.at)) {
      seeds_in[fn->usr].push_back(&s);
      features_in[fn->usr].insert(s.feature);
    }
  std::map<std::string, std::set<std::string>> methods_in;
  std::set<std::pair<std::uint32_t, unsigned>> method_lines;
  for (const auto& m : idx.method_literals) {
    methods_in[m.in_function].insert(m.value);
    method_lines.emplace(m.at.file, m.at.line);
  }
  std::set<std::string> dispatchers;
  for (const auto& [usr, fs] : features_in)
    if (fs.size() >= 2) dispatchers.insert(usr);
  for (const auto& [usr, ms] : methods_in) {
    std::set<std::string> families;
    for (const auto& m : ms) families.insert(method_family(m));
    if (ms.size() >= 3 && families.size() >= 2) dispatchers.insert(usr);
  }

  std::map<std::string, std::vector<const FunctionFact*>> type_users;
  std::map<std::string, std::vector<std::string>> overridden_by;
  for (const auto& [usr, fn] : idx.functions) {
    for (const auto& t : fn.type_usrs) type_users[t].push_back(&fn);
    for (const auto& base : fn.overrides) overridden_by[base].push_back(usr);
  }
  std::map<std::string, std::vector<const CallFact*>> calls_to, calls_by_name;
  for (const auto& c : idx.calls) {
    if (!c.callee.empty()) calls_to[c.callee].push_back(&c);
    else calls_by_name[c.name].push_back(&c);
  }
  std::map<std::string, std::vector<const index::RefFact*>> refs_to;
  for (const auto& r : idx.refs) refs_to[r.target].push_back(&r);

  const LineViews lines(idx);
  std::vector<Inferred> raw;
  for (const auto& feature : catalog.features)
    if (feature.inference)
      FeatureInference(idx, *feature.inference, catalog.capability_words, options, method_lines, seeds_in, dispatchers,
                       type_users, calls_to, calls_by_name, overridden_by, refs_to, lines, raw)
          .run();

  for (const auto& fs : family)
    raw.push_back(Inferred{fs.seed.feature, fs.seed.at, kFamilyMethodConfidence, fs.seed.what, {fs.family_of}});

  // One result per (feature, file, line): the most confident.
  std::map<std::tuple<std::string, std::uint32_t, unsigned>, Inferred> best;
  for (auto& r : raw) {
    auto key = std::make_tuple(r.feature, r.at.file, r.at.line);
    auto it = best.find(key);
    if (it == best.end()) best.emplace(key, std::move(r));
    else if (r.confidence > it->second.confidence ||
             (r.confidence == it->second.confidence && r.chain.size() < it->second.chain.size()))
      it->second = std::move(r);
  }
  // Then what is named for a feature around its code, judged on everything found above.
  std::vector<Inferred> found;
  found.reserve(best.size());
  for (const auto& [k, v] : best) found.push_back(v);
  for (auto& m : infer_named_for_feature(idx, seeds, found, catalog))
    best.try_emplace(std::make_tuple(m.feature, m.at.file, m.at.line), std::move(m));
  std::vector<Inferred> out;
  out.reserve(best.size());
  for (auto& [k, v] : best) out.push_back(std::move(v));
  return out;
}

std::string explain(const Inferred& r, const std::function<std::string(index::Loc)>& where) {
  std::string text = r.summary;
  for (std::size_t i = 0; i < r.chain.size(); ++i) {
    text += i == 0 ? ", which " : ", which ";
    text += r.chain[i].text + " at " + where(r.chain[i].at);
  }
  return text;
}

}  // namespace mcp_lint::inference
