// kind: string-literal — a string literal equal to one of `values`, wherever it
// is written in code (never in comments: those are not cursors). A literal held
// in a const/constexpr variable or a macro is reported where it is defined and
// again where the variable/macro is used. A literal that is a comma-separated
// list ("Content-Type, Mcp-Session-Id") matches when one of its items does.
#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

class StringLiteralMatcher final : public Matcher {
 public:
  explicit StringLiteralMatcher(const std::vector<Binding>& clauses) : index_(index_by_values(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override {
    return {CXCursor_StringLiteral, CXCursor_DeclRefExpr, CXCursor_MemberRefExpr, CXCursor_MacroDefinition,
            CXCursor_MacroExpansion};
  }

  void visit(CXCursor c, WalkContext& ctx) const override {
    switch (clang_getCursorKind(c)) {
      case CXCursor_StringLiteral:
        if (auto v = decode_string_literal(cursor_spelling(c))) emit_value(*v, c, clang_getCursorLocation(c), ctx);
        break;
      case CXCursor_DeclRefExpr:
      case CXCursor_MemberRefExpr: {
        CXCursor ref = clang_getCursorReferenced(c);
        if (auto v = const_variable_string(ref)) emit_value(*v, c, clang_getCursorLocation(c), ctx);
        break;
      }
      case CXCursor_MacroDefinition:
        // Report each matching literal token of the definition at its own position.
        for_each_literal_token(ctx.tu(), c, [&](const std::string& v, CXSourceLocation loc) { emit_value(v, c, loc, ctx); });
        break;
      case CXCursor_MacroExpansion: {
        // Uses of a macro whose body holds a matching literal; the AST literal
        // usually reports the same line too (deduplicated), but this also
        // covers expansions inside code the parser had to drop.
        CXCursor def = clang_getCursorReferenced(c);
        if (clang_Cursor_isNull(def) || clang_getCursorKind(def) != CXCursor_MacroDefinition) break;
        for_each_literal_token(ctx.tu(), def, [&](const std::string& v, CXSourceLocation) {
          emit_value(v, c, clang_getCursorLocation(c), ctx);
        });
        break;
      }
      default:
        break;
    }
  }

 private:
  // The whole value, else each item of a comma-separated list (header lists
  // such as "Content-Type, Mcp-Session-Id"); prose ("call roots/list first")
  // is not a list and does not match.
  void emit_value(const std::string& v, CXCursor c, CXSourceLocation loc, WalkContext& ctx) const {
    if (index_.count(v) || v.find(',') == std::string::npos || v.size() > 512) {
      emit_bindings(index_, v, c, loc, ctx);
      return;
    }
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      std::size_t b = v.find_first_not_of(" \t", start), e = v.find_last_not_of(" \t", end == 0 ? 0 : end - 1);
      if (b != std::string::npos && b < end && e != std::string::npos && e >= b) {
        const std::string item = v.substr(b, e - b + 1);
        if (item.find(' ') == std::string::npos && index_.count(item)) emit_bindings(index_, item, c, loc, ctx);
      }
      start = end + 1;
    }
  }

  template <typename F>
  static void for_each_literal_token(CXTranslationUnit tu, CXCursor def, F&& f) {
    CXToken* tokens = nullptr;
    unsigned n = 0;
    clang_tokenize(tu, clang_getCursorExtent(def), &tokens, &n);
    for (unsigned i = 0; i < n; ++i) {
      if (clang_getTokenKind(tokens[i]) != CXToken_Literal) continue;
      if (auto v = decode_string_literal(take(clang_getTokenSpelling(tu, tokens[i]))))
        f(*v, clang_getTokenLocation(tu, tokens[i]));
    }
    if (tokens) clang_disposeTokens(tu, tokens, n);
  }

  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_string_literal_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<StringLiteralMatcher>(clauses);
}

}  // namespace mcp_lint
