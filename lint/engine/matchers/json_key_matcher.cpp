// kind: json-key — a string used as a JSON object key: with nlohmann::json
// j["k"], j.at("k"), j.contains("k"), j.value("k", d), j.find("k"),
// j.count("k"), j.erase("k"), and {"k", v} pairs of a JSON initializer list.
// The key may be a literal or a const variable holding one. The same string
// anywhere else (a log message, a std::map key) is not a JSON key.
#include <algorithm>
#include <set>

#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_json_class(CXCursor method) {
  // Any JSON library's value class: nlohmann::basic_json, Json::Value (jsoncpp) is not
  // named json-ish, so only classes whose qualified name mentions json.
  return lower(qualified_name(clang_getCursorSemanticParent(method))).find("json") != std::string::npos;
}

class JsonKeyMatcher final : public Matcher {
 public:
  explicit JsonKeyMatcher(const std::vector<Binding>& clauses) : index_(index_by_values(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override { return {CXCursor_CallExpr, CXCursor_InitListExpr}; }

  void visit(CXCursor c, WalkContext& ctx) const override {
    if (clang_getCursorKind(c) == CXCursor_CallExpr) return visit_call(c, ctx);
    return visit_init_list(c, ctx);
  }

 private:
  void visit_call(CXCursor c, WalkContext& ctx) const {
    static const std::set<std::string> key_methods{"operator[]", "at", "contains", "value", "find", "count", "erase"};
    CXCursor callee = clang_getCursorReferenced(c);
    const CXCursorKind k = clang_getCursorKind(callee);
    if (k != CXCursor_CXXMethod && k != CXCursor_FunctionTemplate) return;
    const std::string name = cursor_spelling(callee);
    if (!key_methods.count(name) || !is_json_class(callee)) return;
    const int n = clang_Cursor_getNumArguments(c);
    if (n <= 0) return;
    // For an overloaded operator call the object is argument 0, the key the last one.
    CXCursor key = clang_Cursor_getArgument(c, name == "operator[]" ? n - 1 : 0);
    if (auto v = string_value(key)) emit_bindings(index_, *v, c, clang_getCursorLocation(key), ctx);
  }

  void visit_init_list(CXCursor c, WalkContext& ctx) const {
    auto kids = children(c);
    if (kids.size() != 2) return;
    auto v = string_value(kids[0]);
    if (!v || !index_.count(*v)) return;
    if (!json_context(c, ctx)) return;
    emit_bindings(index_, *v, kids[0], clang_getCursorLocation(kids[0]), ctx);
  }

  // The pair belongs to a JSON value: its own type, or the nearest enclosing
  // declaration/expression with a type, mentions json.
  static bool json_context(CXCursor c, WalkContext& ctx) {
    if (lower(take(clang_getTypeSpelling(clang_getCursorType(c)))).find("json") != std::string::npos) return true;
    const auto& anc = ctx.ancestors();
    for (auto it = anc.rbegin(); it != anc.rend(); ++it) {
      const CXCursorKind k = clang_getCursorKind(*it);
      if (k == CXCursor_InitListExpr || k == CXCursor_UnexposedExpr) continue;
      const std::string t = lower(take(clang_getTypeSpelling(clang_getCursorType(*it))));
      return t.find("json") != std::string::npos;
    }
    return false;
  }

  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_json_key_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<JsonKeyMatcher>(clauses);
}

}  // namespace mcp_lint
