// kind: string-literal — a string literal equal to one of `values`, wherever it
// is written in code (never in comments: those are not cursors). A literal held
// in a const/constexpr variable or a macro is reported where it is defined and
// again where the variable/macro is used.
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
        if (auto v = decode_string_literal(cursor_spelling(c))) emit_bindings(index_, *v, c, clang_getCursorLocation(c), ctx);
        break;
      case CXCursor_DeclRefExpr:
      case CXCursor_MemberRefExpr: {
        CXCursor ref = clang_getCursorReferenced(c);
        if (auto v = const_variable_string(ref)) emit_bindings(index_, *v, c, clang_getCursorLocation(c), ctx);
        break;
      }
      case CXCursor_MacroDefinition:
        // Report each matching literal token of the definition at its own position.
        for_each_literal_token(ctx.tu(), c, [&](const std::string& v, CXSourceLocation loc) { emit_bindings(index_, v, c, loc, ctx); });
        break;
      case CXCursor_MacroExpansion: {
        // Uses of a macro whose body holds a matching literal; the AST literal
        // usually reports the same line too (deduplicated), but this also
        // covers expansions inside code the parser had to drop.
        CXCursor def = clang_getCursorReferenced(c);
        if (clang_Cursor_isNull(def) || clang_getCursorKind(def) != CXCursor_MacroDefinition) break;
        for_each_literal_token(ctx.tu(), def, [&](const std::string& v, CXSourceLocation) {
          emit_bindings(index_, v, c, clang_getCursorLocation(c), ctx);
        });
        break;
      }
      default:
        break;
    }
  }

 private:
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
