#include "engine/index/fact_collector.hpp"

#include <cctype>
#include <filesystem>
#include <unordered_map>

#include "engine/cursor_util.hpp"

namespace mcp_lint::index {

bool looks_like_method(const std::string& v) {
  if (v.size() < 4 || v.size() > 64 || v.find('/') == std::string::npos) return false;
  if (v.front() == '/' || v.back() == '/' || !std::islower(static_cast<unsigned char>(v.front()))) return false;
  for (unsigned char c : v)
    if (!std::isalnum(c) && c != '/' && c != '_') return false;
  return true;
}

namespace {

bool looks_like_key(const std::string& v) {
  if (v.size() < 2 || v.size() > 40 || !(std::isalpha(static_cast<unsigned char>(v[0])) || v[0] == '_')) return false;
  for (unsigned char c : v)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

// The words of a text of prose (a space between letters): lower-cased,
// letters only, 4 letters or more, at most 16; empty for anything else.
std::set<std::string> text_words(const std::string& v) {
  std::set<std::string> words;
  if (v.find(' ') == std::string::npos) return words;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 4 && words.size() < 16) words.insert(word);
    word.clear();
  };
  for (unsigned char c : v) {
    if (std::isalpha(c)) word.push_back(static_cast<char>(std::tolower(c)));
    else flush();
  }
  flush();
  return words;
}

// A program's `main` has the same USR in every program: a project's many
// (each test, each example) would merge into one, and all but one of their
// bodies would be lost. Each is named by its file, as static functions are.
std::string usr_of(CXCursor c) {
  std::string usr = take(clang_getCursorUSR(c));
  if (usr.rfind("c:@F@main#", 0) != 0) return usr;
  CXFile file = nullptr;
  clang_getSpellingLocation(clang_getCursorLocation(c), &file, nullptr, nullptr, nullptr);
  return file ? "c:" + take(clang_getFileName(file)) + usr.substr(2) : usr;
}

bool is_record_kind(CXCursorKind k) {
  return k == CXCursor_StructDecl || k == CXCursor_ClassDecl || k == CXCursor_UnionDecl || k == CXCursor_ClassTemplate ||
         k == CXCursor_ClassTemplatePartialSpecialization;
}

bool is_type_decl_kind(CXCursorKind k) {
  return is_record_kind(k) || k == CXCursor_EnumDecl || k == CXCursor_TypedefDecl || k == CXCursor_TypeAliasDecl;
}

bool in_system_header(CXCursor c) { return clang_Location_isInSystemHeader(clang_getCursorLocation(c)) != 0; }

// USRs of the project's records, enums and aliases a type names: through
// pointers, references, arrays, aliases, template arguments and function
// signatures (std::function<Result(const Request&)> names Result and Request).
void type_usrs(CXType t, std::set<std::string>& out, int depth = 0) {
  if (depth > 8 || t.kind == CXType_Invalid) return;
  switch (t.kind) {
    case CXType_LValueReference:
    case CXType_RValueReference:
    case CXType_Pointer:
      return type_usrs(clang_getPointeeType(t), out, depth + 1);
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
      return type_usrs(clang_getArrayElementType(t), out, depth + 1);
    case CXType_Elaborated:
      return type_usrs(clang_Type_getNamedType(t), out, depth + 1);
    case CXType_FunctionProto: {
      type_usrs(clang_getResultType(t), out, depth + 1);
      const int n = clang_getNumArgTypes(t);
      for (int i = 0; i < n && i < 16; ++i) type_usrs(clang_getArgType(t, i), out, depth + 1);
      return;
    }
    case CXType_Typedef: {
      CXCursor decl = clang_getTypeDeclaration(t);
      if (!in_system_header(decl)) out.insert(usr_of(decl));
      return type_usrs(clang_getTypedefDeclUnderlyingType(decl), out, depth + 1);
    }
    case CXType_Auto:
    case CXType_Unexposed: {
      CXType canon = clang_getCanonicalType(t);
      if (canon.kind != t.kind) type_usrs(canon, out, depth + 1);
      break;
    }
    default:
      break;
  }
  CXCursor decl = clang_getTypeDeclaration(t);
  if (!clang_Cursor_isNull(decl) && clang_getCursorKind(decl) != CXCursor_NoDeclFound && !in_system_header(decl)) {
    const std::string u = usr_of(resolve_declaration(decl));
    if (!u.empty()) out.insert(u);
  }
  const int n = clang_Type_getNumTemplateArguments(t);
  for (int i = 0; i < n && i < 8; ++i) type_usrs(clang_Type_getTemplateArgumentAsType(t, i), out, depth + 1);
}

class Collector {
 public:
  Collector(CXTranslationUnit tu, const ScopeFilter& in_scope) : tu_(tu), in_scope_(in_scope) {}

  UnitFacts run() {
    visit_children(clang_getTranslationUnitCursor(tu_));
    return std::move(facts_);
  }

 private:
  struct FileInfo {
    std::uint32_t id = 0;
    bool in_scope = false;
  };

  const FileInfo& file_info(CXFile f) {
    auto it = files_.find(f);
    if (it != files_.end()) return it->second;
    std::string real = take(clang_File_tryGetRealPathName(f));
    if (real.empty()) real = take(clang_getFileName(f));
    std::error_code ec;
    auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(real, ec), ec);
    FileInfo info;
    const std::string path = ec ? real : abs.string();
    info.in_scope = in_scope_(path);
    info.id = static_cast<std::uint32_t>(facts_.files.size());
    facts_.files.push_back(path);
    return files_.emplace(f, info).first->second;
  }

  // Position of a cursor in a file of the scope; false otherwise.
  bool loc_of(CXSourceLocation sl, Loc& out) {
    FilePos pos;
    if (!file_position(sl, pos) || clang_Location_isInSystemHeader(sl)) return false;
    const FileInfo& info = file_info(pos.file);
    if (!info.in_scope) return false;
    out = Loc{info.id, pos.line, pos.column};
    return true;
  }

  void visit_children(CXCursor parent) {
    clang_visitChildren(
        parent,
        [](CXCursor c, CXCursor, CXClientData data) {
          static_cast<Collector*>(data)->visit(c);
          return CXChildVisit_Continue;
        },
        this);
  }

  const std::string& current_function() const {
    static const std::string none;
    return function_stack_.empty() ? none : function_stack_.back();
  }

  // The variable whose initializer holds the expression being visited.
  std::string initialized_variable() const {
    for (auto it = kinds_.rbegin(); it != kinds_.rend(); ++it) {
      if (clang_isExpression(*it)) continue;
      if (*it == CXCursor_VarDecl && !var_stack_.empty()) return var_stack_.back();
      return {};
    }
    return {};
  }

  bool parent_is_return() const {
    for (auto it = kinds_.rbegin(); it != kinds_.rend(); ++it) {
      const CXCursorKind k = *it;
      if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr || k == CXCursor_CallExpr) {
        if (k == CXCursor_CallExpr) return false;
        continue;
      }
      return k == CXCursor_ReturnStmt;
    }
    return false;
  }

  void visit(CXCursor c) {
    const CXCursorKind kind = clang_getCursorKind(c);
    const CXSourceLocation sl = clang_getCursorLocation(c);
    FilePos pos;
    if (file_position(sl, pos) && (clang_Location_isInSystemHeader(sl) || !file_info(pos.file).in_scope)) return;
    Loc at;
    const bool has_loc = loc_of(sl, at);

    bool pushed_function = false;
    bool pushed_type = false;
    if (is_function_like(kind)) {
      pushed_function = on_function(c, has_loc, at);
    } else if (kind == CXCursor_LambdaExpr) {
      pushed_function = has_loc && on_lambda(c, at);
    } else if (is_type_decl_kind(kind)) {
      pushed_type = on_type(c, kind, has_loc, at);
    } else if (has_loc) {
      on_other(c, kind, at);
    }
    const bool pushed_var = kind == CXCursor_VarDecl;
    if (pushed_var) var_stack_.push_back(usr_of(c));
    kinds_.push_back(kind);
    locs_.push_back(has_loc ? at : Loc{});
    visit_children(c);
    locs_.pop_back();
    kinds_.pop_back();
    if (pushed_var) var_stack_.pop_back();
    if (pushed_function) function_stack_.pop_back();
    if (pushed_type) type_stack_.pop_back();
  }

  bool on_function(CXCursor c, bool has_loc, Loc at) {
    const std::string usr = usr_of(c);
    if (usr.empty()) return false;
    FunctionFact f;
    f.usr = usr;
    f.name = cursor_spelling(c);
    f.qualified = qualified_name(c);
    CXCursor parent = clang_getCursorSemanticParent(c);
    if (is_record_kind(clang_getCursorKind(parent))) f.parent_usr = usr_of(parent);
    int n = clang_Cursor_getNumArguments(c);
    if (n < 0) {
      n = 0;
      for (CXCursor kid : children(c))
        if (clang_getCursorKind(kid) == CXCursor_ParmDecl) ++n;
    }
    f.arity = static_cast<unsigned>(n);
    if (has_loc) f.decls.insert(at);
    if (clang_isCursorDefinition(c)) set_body(f, c);
    CXCursor* overridden = nullptr;
    unsigned count = 0;
    clang_getOverriddenCursors(c, &overridden, &count);
    for (unsigned i = 0; i < count; ++i) f.overrides.insert(usr_of(overridden[i]));
    if (overridden) clang_disposeOverriddenCursors(overridden);
    type_usrs(clang_getCursorResultType(c), f.type_usrs);
    for (CXCursor kid : children(c))
      if (clang_getCursorKind(kid) == CXCursor_ParmDecl) type_usrs(clang_getCursorType(kid), f.type_usrs);
    facts_.functions.push_back(std::move(f));
    function_stack_.push_back(usr);
    return true;
  }

  // The extent of a function's or lambda's definition, when it lies in one file.
  bool set_body(FunctionFact& f, CXCursor c) {
    CXSourceRange ext = clang_getCursorExtent(c);
    Loc b, e;
    if (!loc_of(clang_getRangeStart(ext), b) || !loc_of(clang_getRangeEnd(ext), e) || b.file != e.file) return false;
    f.has_body = true;
    f.body_begin = b;
    f.body_end = e.line;
    return true;
  }

  // A lambda is a function of its own (its calls, seeds and parameters are
  // its own, not its enclosing function's), named by its position. When it is
  // an argument or an element of a braced list (a handler passed to a
  // registration, or listed in a table of tools), registered_at is where that
  // call or list starts. A call starting where the lambda starts is its
  // implicit conversion (a std::function parameter's constructor), not the
  // registration: the call taking the converted lambda is further out.
  bool on_lambda(CXCursor c, Loc at) {
    FunctionFact f;
    f.usr = "lambda@" + facts_.files[at.file] + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    f.name = "(lambda)";
    f.qualified = "the lambda at line " + std::to_string(at.line);
    f.is_lambda = true;
    f.decls.insert(at);
    set_body(f, c);
    for (std::size_t i = kinds_.size(); i-- > 0;) {
      const CXCursorKind k = kinds_[i];
      if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr) continue;
      if (k == CXCursor_CallExpr && locs_[i] == at) continue;
      if ((k == CXCursor_CallExpr || k == CXCursor_InitListExpr) && locs_[i].line) f.registered_at = locs_[i];
      break;
    }
    for (CXCursor kid : children(c))
      if (clang_getCursorKind(kid) == CXCursor_ParmDecl) {
        type_usrs(clang_getCursorType(kid), f.type_usrs);
        ++f.arity;
      }
    function_stack_.push_back(f.usr);
    facts_.functions.push_back(std::move(f));
    return true;
  }

  bool on_type(CXCursor c, CXCursorKind kind, bool has_loc, Loc at) {
    const std::string usr = usr_of(c);
    if (usr.empty()) return false;
    TypeFact t;
    t.usr = usr;
    t.name = cursor_spelling(c);
    t.qualified = qualified_name(c);
    t.is_enum = kind == CXCursor_EnumDecl;
    CXCursor parent = clang_getCursorSemanticParent(c);
    if (is_record_kind(clang_getCursorKind(parent))) t.parent_name = cursor_spelling(parent);
    if (has_loc) t.decls.insert(at);
    if (kind == CXCursor_TypedefDecl || kind == CXCursor_TypeAliasDecl)
      type_usrs(clang_getTypedefDeclUnderlyingType(c), t.aliased);
    for (CXCursor kid : children(c))
      if (clang_getCursorKind(kid) == CXCursor_CXXBaseSpecifier) type_usrs(clang_getCursorType(kid), t.bases);
    t.bases.erase(usr);  // a CRTP base names the class itself
    if (t.is_enum) {
      for (CXCursor kid : children(c)) {
        if (clang_getCursorKind(kid) != CXCursor_EnumConstantDecl) continue;
        std::string name = cursor_spelling(kid);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        t.enumerators.insert(name);
        t.enumerator_usrs.insert(usr_of(kid));
        if (Loc l; loc_of(clang_getCursorLocation(kid), l)) t.enumerator_decls.insert(l);
      }
    }
    type_stack_.push_back(usr);
    facts_.types.push_back(std::move(t));
    return true;
  }

  void on_other(CXCursor c, CXCursorKind kind, Loc at) {
    switch (kind) {
      case CXCursor_CallExpr: {
        CallFact call;
        call.caller = current_function();
        call.name = cursor_spelling(c);
        const int n = clang_Cursor_getNumArguments(c);
        call.arity = n < 0 ? 0 : static_cast<unsigned>(n);
        CXCursor callee = resolve_declaration(clang_getCursorReferenced(c));
        if (!clang_Cursor_isNull(callee) && is_function_like(clang_getCursorKind(callee))) {
          if (in_system_header(callee)) return;
          call.callee = usr_of(callee);
        } else if (!clang_Cursor_isNull(callee) && clang_getCursorKind(callee) != CXCursor_OverloadedDeclRef &&
                   !clang_isInvalid(clang_getCursorKind(callee))) {
          return;  // a call through a variable or a type's construction: no callee function
        }
        if (call.callee.empty() && call.name.empty()) call.name = dependent_callee_name(c);
        if (call.callee.empty() && call.name.empty()) return;
        call.returned = parent_is_return();
        call.initializes = initialized_variable();
        call.at = at;
        facts_.calls.push_back(std::move(call));
        return;
      }
      case CXCursor_DeclRefExpr:
      case CXCursor_MemberRefExpr:
      case CXCursor_TypeRef:
      case CXCursor_TemplateRef: {
        CXCursor target = clang_getCursorReferenced(c);
        if (clang_Cursor_isNull(target) || in_system_header(target)) return;
        const CXCursorKind tk = clang_getCursorKind(target);
        if (tk == CXCursor_NoDeclFound || clang_isInvalid(tk)) return;
        const std::string usr = usr_of(resolve_declaration(target));
        if (!usr.empty()) facts_.refs.push_back(RefFact{usr, current_function(), at});
        if (tk == CXCursor_VarDecl || tk == CXCursor_FieldDecl)
          if (auto v = const_variable_string(target); v && looks_like_method(*v))
            facts_.method_literals.push_back(MethodLiteralFact{current_function(), *v, at});
        return;
      }
      case CXCursor_FieldDecl:
      case CXCursor_VarDecl:
      case CXCursor_ParmDecl: {
        VarFact v;
        v.usr = usr_of(c);
        if (v.usr.empty()) return;
        v.name = cursor_spelling(c);
        v.is_field = kind == CXCursor_FieldDecl;
        v.is_param = kind == CXCursor_ParmDecl;
        v.owner = v.is_field ? (type_stack_.empty() ? std::string{} : type_stack_.back()) : current_function();
        type_usrs(clang_getCursorType(c), v.type_usrs);
        v.decls.insert(at);
        if (kind == CXCursor_VarDecl && (current_function().empty() || clang_isConstQualifiedType(clang_getCursorType(c))))
          initializer_strings(c, v);
        facts_.vars.push_back(std::move(v));
        return;
      }
      case CXCursor_StringLiteral: {
        auto v = decode_string_literal(cursor_spelling(c));
        if (!v) return;
        if (looks_like_method(*v)) facts_.method_literals.push_back(MethodLiteralFact{current_function(), *v, at});
        else if (current_function().empty()) return;
        else if (looks_like_key(*v)) facts_.key_literals.push_back(KeyLiteralFact{current_function(), at, *v});
        else if (auto words = text_words(*v); !words.empty() && in_throw())
          facts_.thrown_texts.push_back(ThrownTextFact{current_function(), at, std::move(words)});
        return;
      }
      case CXCursor_MacroDefinition: {
        if (clang_Cursor_isMacroBuiltin(c)) return;
        MacroFact m;
        m.name = cursor_spelling(c);
        m.definitions.insert(at);
        CXToken* tokens = nullptr;
        unsigned n = 0;
        clang_tokenize(tu_, clang_getCursorExtent(c), &tokens, &n);
        for (unsigned i = 1; i < n; ++i)
          if (clang_getTokenKind(tokens[i]) == CXToken_Identifier) m.identifiers.insert(take(clang_getTokenSpelling(tu_, tokens[i])));
        if (tokens) clang_disposeTokens(tu_, tokens, n);
        facts_.macros.push_back(std::move(m));
        return;
      }
      case CXCursor_MacroExpansion:
        facts_.macro_expansions.emplace_back(cursor_spelling(c), at);
        return;
      case CXCursor_Namespace: {
        Loc end;
        if (cursor_spelling(c).empty() || !loc_of(clang_getRangeEnd(clang_getCursorExtent(c)), end)) return;
        NamespaceFact n{usr_of(c), qualified_name(c), {}, {}};
        n.blocks.insert(NamespaceBlock{at, end.line});
        facts_.namespaces.push_back(std::move(n));
        return;
      }
      case CXCursor_NamespaceAlias:
      case CXCursor_UsingDirective:
        on_namespace_use(c, at);
        return;
      case CXCursor_InclusionDirective: {
        CXFile header = clang_getIncludedFile(c);
        if (!header || !file_info(header).in_scope) return;
        facts_.includes.push_back(IncludeFact{at, Loc{file_info(header).id, 0, 0}});
        return;
      }
      default:
        return;
    }
  }

  // `namespace s = a::b::sampling;` or `using namespace a::b::sampling;`: the
  // namespace its last qualifier names (the other NamespaceRefs are the path).
  void on_namespace_use(CXCursor c, Loc at) {
    CXCursor target = clang_getNullCursor();
    clang_visitChildren(
        c,
        [](CXCursor kid, CXCursor, CXClientData data) {
          if (clang_getCursorKind(kid) == CXCursor_NamespaceRef) *static_cast<CXCursor*>(data) = clang_getCursorReferenced(kid);
          return CXChildVisit_Continue;
        },
        &target);
    if (clang_Cursor_isNull(target) || in_system_header(target)) return;
    const std::string usr = usr_of(target);
    if (usr.empty()) return;
    NamespaceFact n{usr, qualified_name(target), {}, {}};
    n.aliases.insert(at);
    facts_.namespaces.push_back(std::move(n));
  }

  // Inside a throw expression of the current function.
  bool in_throw() const {
    for (auto it = kinds_.rbegin(); it != kinds_.rend() && !is_function_like(*it) && *it != CXCursor_LambdaExpr; ++it)
      if (*it == CXCursor_CXXThrowExpr) return true;
    return false;
  }

  // The string literals of a namespace-scope or const variable's declaration
  // (a table of names), at most 32, and its last line.
  void initializer_strings(CXCursor var, VarFact& v) {
    CXSourceRange ext = clang_getCursorExtent(var);
    Loc e;
    if (!loc_of(clang_getRangeEnd(ext), e)) return;
    v.last_line = e.line;
    CXToken* tokens = nullptr;
    unsigned n = 0;
    clang_tokenize(tu_, ext, &tokens, &n);
    for (unsigned i = 0; i < n && v.string_values.size() < 32; ++i) {
      if (clang_getTokenKind(tokens[i]) != CXToken_Literal) continue;
      const std::string spelling = take(clang_getTokenSpelling(tu_, tokens[i]));
      if (spelling.empty() || spelling.back() != '"') continue;
      if (auto value = decode_string_literal(spelling)) v.string_values.insert(*value);
    }
    if (tokens) clang_disposeTokens(tu_, tokens, n);
  }

  // The member or function name a dependent call designates (`client.create_message(x)`
  // in a template): the last identifier of the callee expression.
  std::string dependent_callee_name(CXCursor call) {
    CXCursor callee = first_child(call);
    if (clang_Cursor_isNull(callee)) return {};
    std::string name;
    CXToken* tokens = nullptr;
    unsigned n = 0;
    clang_tokenize(tu_, clang_getCursorExtent(callee), &tokens, &n);
    for (unsigned i = 0; i < n; ++i)
      if (clang_getTokenKind(tokens[i]) == CXToken_Identifier) name = take(clang_getTokenSpelling(tu_, tokens[i]));
    if (tokens) clang_disposeTokens(tu_, tokens, n);
    return name;
  }

  CXTranslationUnit tu_;
  const ScopeFilter& in_scope_;
  UnitFacts facts_;
  std::unordered_map<CXFile, FileInfo> files_;
  std::vector<std::string> function_stack_;
  std::vector<std::string> type_stack_;
  std::vector<CXCursorKind> kinds_;
  std::vector<Loc> locs_;  // position of each cursor of kinds_ (line 0: outside the scope)
  std::vector<std::string> var_stack_;
};

}  // namespace

UnitFacts collect_facts(CXTranslationUnit tu, const ScopeFilter& in_scope) { return Collector(tu, in_scope).run(); }

}  // namespace mcp_lint::index
