// kind: call — a call to a function or method whose fully qualified name is
// listed. libclang resolves the callee, so aliases, typedefs, `auto`,
// namespace aliases and using-declarations need no special handling; calls to
// template specialisations are mapped back to the template, and a call to a
// method that overrides a listed virtual method matches too.
// A member call is reported where its method is named: in a builder chain
// spanning lines (`make<ClientCapabilities>()\n  .sampling(...)`) that is the
// `.sampling(` line, not the line where the chain begins.
// Limitation: calls inside a template on a dependent type are not resolved
// (libclang exposes no instantiations).
#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

CXSourceLocation call_location(CXCursor call) {
  CXCursor callee = first_child(call);
  while (clang_getCursorKind(callee) == CXCursor_UnexposedExpr) callee = first_child(callee);  // implicit casts
  if (clang_getCursorKind(callee) == CXCursor_MemberRefExpr) return clang_getCursorLocation(callee);
  return clang_getCursorLocation(call);
}

class CallMatcher final : public Matcher {
 public:
  explicit CallMatcher(const std::vector<Binding>& clauses) : index_(index_by_names(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override { return {CXCursor_CallExpr}; }

  void visit(CXCursor c, WalkContext& ctx) const override {
    CXCursor callee = resolve_declaration(clang_getCursorReferenced(c));
    if (clang_Cursor_isNull(callee) || !is_function_like(clang_getCursorKind(callee))) return;
    std::vector<std::string> names;
    if (clang_getCursorKind(callee) == CXCursor_CXXMethod) method_and_overridden_names(callee, names);
    else names.push_back(qualified_name(callee));
    const CXSourceLocation loc = call_location(c);
    for (const auto& n : names) emit_bindings(index_, n, c, loc, ctx);
  }

 private:
  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_call_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<CallMatcher>(clauses);
}

}  // namespace mcp_lint
