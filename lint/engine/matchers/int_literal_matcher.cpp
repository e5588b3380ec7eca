// kind: int-literal — an integer constant equal to one of `values` (e.g. the
// error code -32002): a literal (a leading unary minus is part of it), a
// reference to a const/constexpr variable or an enumerator with that value
// (reported where defined and where used), or a macro whose body spells it.
#include <cstdlib>
#include <optional>

#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

std::optional<long long> evaluate_int(CXCursor c) {
  CXEvalResult r = clang_Cursor_Evaluate(c);
  if (!r) return std::nullopt;
  std::optional<long long> out;
  if (clang_EvalResult_getKind(r) == CXEval_Int) out = clang_EvalResult_getAsLongLong(r);
  clang_EvalResult_dispose(r);
  return out;
}

class IntLiteralMatcher final : public Matcher {
 public:
  explicit IntLiteralMatcher(const std::vector<Binding>& clauses) : index_(index_by_values(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override {
    return {CXCursor_IntegerLiteral, CXCursor_DeclRefExpr, CXCursor_MemberRefExpr, CXCursor_MacroDefinition};
  }

  void visit(CXCursor c, WalkContext& ctx) const override {
    switch (clang_getCursorKind(c)) {
      case CXCursor_IntegerLiteral: {
        auto v = evaluate_int(c);
        if (!v) return;
        long long value = *v;
        // `-32002` is UnaryOperator(-) over IntegerLiteral(32002).
        const auto& anc = ctx.ancestors();
        if (!anc.empty() && clang_getCursorKind(anc.back()) == CXCursor_UnaryOperator) {
          if (auto pv = evaluate_int(anc.back()); pv && *pv == -value) value = -value;
        }
        emit_bindings(index_, std::to_string(value), c, clang_getCursorLocation(c), ctx);
        break;
      }
      case CXCursor_DeclRefExpr:
      case CXCursor_MemberRefExpr: {
        CXCursor ref = clang_getCursorReferenced(c);
        std::optional<long long> value;
        if (clang_getCursorKind(ref) == CXCursor_EnumConstantDecl) {
          value = clang_getEnumConstantDeclValue(ref);
        } else if (clang_getCursorKind(ref) == CXCursor_VarDecl && clang_isConstQualifiedType(clang_getCursorType(ref))) {
          CXCursor init = clang_Cursor_getVarDeclInitializer(ref);
          if (!clang_Cursor_isNull(init)) value = evaluate_int(init);
        }
        if (value) emit_bindings(index_, std::to_string(*value), c, clang_getCursorLocation(c), ctx);
        break;
      }
      case CXCursor_MacroDefinition: {
        CXTranslationUnit tu = ctx.tu();
        CXToken* tokens = nullptr;
        unsigned n = 0;
        clang_tokenize(tu, clang_getCursorExtent(c), &tokens, &n);
        for (unsigned i = 0; i < n; ++i) {
          if (clang_getTokenKind(tokens[i]) != CXToken_Literal) continue;
          const std::string text = take(clang_getTokenSpelling(tu, tokens[i]));
          char* end = nullptr;
          long long v = std::strtoll(text.c_str(), &end, 0);
          if (!end || end == text.c_str()) continue;
          if (*end && std::string(end).find_first_not_of("uUlL") != std::string::npos) continue;
          CXSourceLocation loc = clang_getTokenLocation(tu, tokens[i]);
          if (i > 0 && clang_getTokenKind(tokens[i - 1]) == CXToken_Punctuation &&
              take(clang_getTokenSpelling(tu, tokens[i - 1])) == "-") {
            v = -v;
            loc = clang_getTokenLocation(tu, tokens[i - 1]);
          }
          emit_bindings(index_, std::to_string(v), c, loc, ctx);
        }
        if (tokens) clang_disposeTokens(tu, tokens, n);
        break;
      }
      default:
        break;
    }
  }

 private:
  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_int_literal_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<IntLiteralMatcher>(clauses);
}

}  // namespace mcp_lint
