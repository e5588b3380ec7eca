// kind: override — a method declaration (in-class or out-of-line definition)
// that overrides, directly or through intermediate classes, one of the listed
// virtual methods: the user's handler for a deprecated SDK callback.
#include "engine/cursor_util.hpp"
#include "engine/matchers/matcher.hpp"

namespace mcp_lint {
namespace {

class OverrideMatcher final : public Matcher {
 public:
  explicit OverrideMatcher(const std::vector<Binding>& clauses) : index_(index_by_names(clauses)) {}

  std::vector<CXCursorKind> cursor_kinds() const override { return {CXCursor_CXXMethod}; }

  void visit(CXCursor c, WalkContext& ctx) const override {
    std::vector<std::string> names;
    method_and_overridden_names(c, names);
    if (names.size() < 2) return;  // overrides nothing
    const CXSourceLocation loc = clang_getCursorLocation(c);
    for (std::size_t i = 1; i < names.size(); ++i) emit_bindings(index_, names[i], c, loc, ctx);
  }

 private:
  BindingIndex index_;
};

}  // namespace

std::unique_ptr<Matcher> make_override_matcher(const std::vector<Binding>& clauses) {
  return std::make_unique<OverrideMatcher>(clauses);
}

}  // namespace mcp_lint
