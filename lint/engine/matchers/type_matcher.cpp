// kind: type — a use of a type with a listed fully qualified name: written in
// code (a type reference, through any chain of typedefs/aliases), or as the
// (possibly `auto`-deduced) type of a variable, field or parameter, including
// behind pointers, references and template arguments (std::shared_ptr<T>).
// Base classes are type references too. A member's own declaration does not
// "use" its class (out-of-line definitions `void Foo::run()` of the SDK itself).
#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

// `Foo::Foo()`, `void Foo::run()`: the class named by a member's own
// declaration (its qualifier or return type) implements the type, it does not use it.
bool names_own_class(CXCursor, CXCursor ref, WalkContext& ctx) {
  const auto& anc = ctx.ancestors();
  if (anc.empty()) return false;
  const CXCursorKind k = clang_getCursorKind(anc.back());
  if (!is_function_like(k) || k == CXCursor_FunctionDecl) return false;
  const CXCursor cls = clang_getCursorSemanticParent(anc.back());
  return clang_equalCursors(clang_getCanonicalCursor(cls), clang_getCanonicalCursor(ref));
}

class TypeMatcher final : public Matcher {
 public:
  explicit TypeMatcher(const std::vector<Binding>& clauses) : index_(index_by_names(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override {
    return {CXCursor_TypeRef, CXCursor_TemplateRef, CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_ParmDecl};
  }

  void visit(CXCursor c, WalkContext& ctx) const override {
    std::vector<std::string> names;
    switch (clang_getCursorKind(c)) {
      case CXCursor_TypeRef:
      case CXCursor_TemplateRef: {
        CXCursor ref = clang_getCursorReferenced(c);
        if (clang_Cursor_isNull(ref)) return;
        if (names_own_class(c, ref, ctx)) return;
        names.push_back(qualified_name(resolve_declaration(ref)));
        const CXCursorKind k = clang_getCursorKind(ref);
        if (k == CXCursor_TypedefDecl || k == CXCursor_TypeAliasDecl)
          type_names(clang_getTypedefDeclUnderlyingType(ref), names);
        break;
      }
      default:
        type_names(clang_getCursorType(c), names);
        break;
    }
    const CXSourceLocation loc = clang_getCursorLocation(c);
    for (const auto& n : names) emit_bindings(index_, n, c, loc, ctx);
  }

 private:
  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_type_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<TypeMatcher>(clauses);
}

}  // namespace mcp_lint
