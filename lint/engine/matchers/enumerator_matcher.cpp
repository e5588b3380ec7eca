// kind: enumerator — a reference to an enumerator with a listed fully
// qualified name ("mcp::LogLevel::Debug"). For an unscoped enum the name
// without the enum ("mcp::Debug") is accepted too.
#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

class EnumeratorMatcher final : public Matcher {
 public:
  explicit EnumeratorMatcher(const std::vector<Binding>& clauses) : index_(index_by_names(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override { return {CXCursor_DeclRefExpr}; }

  void visit(CXCursor c, WalkContext& ctx) const override {
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_getCursorKind(ref) != CXCursor_EnumConstantDecl) return;
    const CXSourceLocation loc = clang_getCursorLocation(c);
    const std::string full = qualified_name(ref);
    emit_bindings(index_, full, c, loc, ctx);
    CXCursor en = clang_getCursorSemanticParent(ref);
    if (!clang_EnumDecl_isScoped(en)) {
      const std::string outer = qualified_name(clang_getCursorSemanticParent(en));
      const std::string shortname = cursor_spelling(ref);
      const std::string alt = outer.empty() ? shortname : outer + "::" + shortname;
      if (alt != full) emit_bindings(index_, alt, c, loc, ctx);
    }
  }

 private:
  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_enumerator_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<EnumeratorMatcher>(clauses);
}

}  // namespace mcp_lint
