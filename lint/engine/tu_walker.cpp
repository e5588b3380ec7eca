#include "engine/tu_walker.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "engine/cursor_util.hpp"

namespace mcp_lint {

namespace {

constexpr std::size_t kMaxCursorKind = 1024;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Names and string keys inside an expression (its variables, members, literal
// keys), e.g. `params["capabilities"]` → "params capabilities".
void collect_names(CXCursor c, std::string& out, int depth) {
  if (depth <= 0 || clang_Cursor_isNull(c)) return;
  const CXCursorKind k = clang_getCursorKind(c);
  if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) out += cursor_spelling(c) + " ";
  if (k == CXCursor_StringLiteral) {
    if (auto v = decode_string_literal(cursor_spelling(c))) out += *v + " ";
    return;
  }
  if (k == CXCursor_CallExpr) out += cursor_spelling(c) + " ";
  for (CXCursor kid : children(c)) collect_names(kid, out, depth - 1);
}

class Walk final : public WalkContext {
 public:
  Walk(CXTranslationUnit tu, const ScopeFilter& in_scope, const std::vector<std::vector<const Matcher*>>& by_kind)
      : tu_(tu), in_scope_(in_scope), by_kind_(by_kind) {}

  CXTranslationUnit tu() const override { return tu_; }
  const std::vector<CXCursor>& ancestors() const override { return stack_; }

  const std::string& context_text(CXCursor c) override {
    if (context_valid_ && clang_equalCursors(c, context_for_)) return context_;
    std::string text;
    collect_names(first_child(c), text, 6);
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      const CXCursor a = *it;
      switch (clang_getCursorKind(a)) {
        case CXCursor_VarDecl:
        case CXCursor_FieldDecl:
        case CXCursor_ParmDecl:
        case CXCursor_FunctionDecl:
        case CXCursor_CXXMethod:
        case CXCursor_Constructor:
        case CXCursor_FunctionTemplate:
        case CXCursor_ClassDecl:
        case CXCursor_StructDecl:
        case CXCursor_Namespace:
          text += cursor_spelling(a) + " ";
          break;
        case CXCursor_InitListExpr: {
          auto kids = children(a);
          if (kids.size() == 2)
            if (auto v = string_value(kids[0])) text += *v + " ";
          break;
        }
        case CXCursor_CallExpr:
          text += cursor_spelling(a) + " ";
          collect_names(first_child(a), text, 4);
          break;
        default:
          break;
      }
    }
    context_ = lower(text);
    context_for_ = c;
    context_valid_ = true;
    return context_;
  }

  void emit(const Rule& rule, CXSourceLocation loc) override {
    FilePos pos;
    if (!file_position(loc, pos) || clang_Location_isInSystemHeader(loc)) return;
    const FileInfo& info = file_info(pos.file);
    if (!info.in_scope) return;
    hits_.push_back(RawHit{&rule, info.path, pos.line, pos.column});
  }

  void run() {
    CXCursor root = clang_getTranslationUnitCursor(tu_);
    visit_children(root);
  }

  std::vector<RawHit> take_hits() { return std::move(hits_); }

 private:
  struct FileInfo {
    std::string path;
    bool in_scope = false;
  };

  const FileInfo& file_info(CXFile f) {
    auto it = files_.find(f);
    if (it != files_.end()) return it->second;
    FileInfo info;
    std::string real = take(clang_File_tryGetRealPathName(f));
    if (real.empty()) real = take(clang_getFileName(f));
    std::error_code ec;
    auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(real, ec), ec);
    info.path = ec ? real : abs.string();
    info.in_scope = in_scope_(info.path);
    return files_.emplace(f, std::move(info)).first->second;
  }

  void visit_children(CXCursor parent) {
    clang_visitChildren(
        parent,
        [](CXCursor c, CXCursor, CXClientData data) {
          static_cast<Walk*>(data)->visit(c);
          return CXChildVisit_Continue;
        },
        this);
  }

  void visit(CXCursor c) {
    const CXSourceLocation loc = clang_getCursorLocation(c);
    FilePos pos;
    if (file_position(loc, pos)) {
      // Do not descend into system headers or files outside the scope: their
      // cursors can produce no finding and are most of a TU's AST.
      if (clang_Location_isInSystemHeader(loc) || !file_info(pos.file).in_scope) return;
    }
    const auto kind = static_cast<std::size_t>(clang_getCursorKind(c));
    if (kind < by_kind_.size()) {
      for (const Matcher* m : by_kind_[kind]) m->visit(c, *this);
    }
    context_valid_ = false;
    stack_.push_back(c);
    visit_children(c);
    stack_.pop_back();
  }

  CXTranslationUnit tu_;
  const ScopeFilter& in_scope_;
  const std::vector<std::vector<const Matcher*>>& by_kind_;
  std::vector<CXCursor> stack_;
  std::vector<RawHit> hits_;
  std::unordered_map<CXFile, FileInfo> files_;
  std::string context_;
  CXCursor context_for_{};
  bool context_valid_ = false;
};

}  // namespace

RuleEngine::RuleEngine(const RuleSet& rules) : rules_(rules), matchers_(build_matchers(rules)), by_kind_(kMaxCursorKind) {
  for (const auto& m : matchers_)
    for (CXCursorKind k : m->cursor_kinds())
      if (static_cast<std::size_t>(k) < kMaxCursorKind) by_kind_[k].push_back(m.get());
}

std::vector<RawHit> RuleEngine::walk(CXTranslationUnit tu, const ScopeFilter& in_scope) const {
  Walk w(tu, in_scope, by_kind_);
  w.run();
  return w.take_hits();
}

}  // namespace mcp_lint
