#include "engine/cursor_util.hpp"

#include <algorithm>

namespace mcp_lint {

std::string take(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

std::string cursor_spelling(CXCursor c) { return take(clang_getCursorSpelling(c)); }

namespace {

std::string strip_template_args(std::string name) {
  auto lt = name.find('<');
  if (lt != std::string::npos && lt > 0 && name.compare(0, 8, "operator") != 0) name.erase(lt);
  return name;
}

bool is_scope_kind(CXCursorKind k) {
  switch (k) {
    case CXCursor_Namespace:
    case CXCursor_StructDecl:
    case CXCursor_ClassDecl:
    case CXCursor_UnionDecl:
    case CXCursor_EnumDecl:
    case CXCursor_ClassTemplate:
    case CXCursor_ClassTemplatePartialSpecialization:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool is_function_like(CXCursorKind k) {
  return k == CXCursor_FunctionDecl || k == CXCursor_CXXMethod || k == CXCursor_Constructor ||
         k == CXCursor_Destructor || k == CXCursor_ConversionFunction || k == CXCursor_FunctionTemplate;
}

std::string qualified_name(CXCursor decl) {
  if (clang_Cursor_isNull(decl)) return {};
  std::vector<std::string> parts;
  parts.push_back(strip_template_args(cursor_spelling(decl)));
  CXCursor p = clang_getCursorSemanticParent(decl);
  for (int guard = 0; guard < 64 && !clang_Cursor_isNull(p); ++guard) {
    const CXCursorKind k = clang_getCursorKind(p);
    if (k == CXCursor_TranslationUnit || clang_isInvalid(k)) break;
    if (is_scope_kind(k)) {
      const bool skip = k == CXCursor_Namespace && (clang_Cursor_isInlineNamespace(p) || clang_Cursor_isAnonymous(p));
      std::string name = cursor_spelling(p);
      if (!skip && !name.empty() && name.find("(anonymous") == std::string::npos)
        parts.push_back(strip_template_args(name));
    }
    p = clang_getCursorSemanticParent(p);
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : "::") + *it;
  return out;
}

CXCursor resolve_declaration(CXCursor referenced) {
  if (clang_Cursor_isNull(referenced)) return referenced;
  CXCursor tmpl = clang_getSpecializedCursorTemplate(referenced);
  if (!clang_Cursor_isNull(tmpl)) return tmpl;
  return referenced;
}

std::optional<std::string> decode_string_literal(const std::string& s) {
  std::size_t q = s.find('"');
  if (q == std::string::npos || s.size() < q + 2 || s.back() != '"') return std::nullopt;
  const std::string prefix = s.substr(0, q);
  // Raw string: R"delim( ... )delim"
  if (!prefix.empty() && prefix.back() == 'R') {
    std::size_t open = s.find('(', q);
    if (open == std::string::npos) return std::nullopt;
    const std::string delim = s.substr(q + 1, open - q - 1);
    const std::size_t close = s.size() - 1 - delim.size() - 1;  // position of ')'
    if (close < open) return std::nullopt;
    return s.substr(open + 1, close - open - 1);
  }
  for (char c : prefix)
    if (c != 'u' && c != 'U' && c != 'L' && c != '8') return std::nullopt;
  std::string out;
  for (std::size_t i = q + 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {  // concatenated literal tokens: "a" "b"
      std::size_t next = s.find('"', i + 1);
      if (next == std::string::npos || next + 1 >= s.size()) break;
      i = next;
      continue;
    }
    if (c != '\\' || i + 2 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      default: out += e; break;  // \" \\ \' \/ ...
    }
  }
  return out;
}

CXCursor first_child(CXCursor c) {
  CXCursor result = clang_getNullCursor();
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        *static_cast<CXCursor*>(data) = child;
        return CXChildVisit_Break;
      },
      &result);
  return result;
}

std::vector<CXCursor> children(CXCursor c) {
  std::vector<CXCursor> out;
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        static_cast<std::vector<CXCursor>*>(data)->push_back(child);
        return CXChildVisit_Continue;
      },
      &out);
  return out;
}

std::optional<std::string> const_variable_string(CXCursor var) {
  const CXCursorKind k = clang_getCursorKind(var);
  if (k != CXCursor_VarDecl && k != CXCursor_FieldDecl) return std::nullopt;
  CXType t = clang_getCursorType(var);
  bool is_const = clang_isConstQualifiedType(t);
  if (!is_const && t.kind == CXType_ConstantArray) is_const = clang_isConstQualifiedType(clang_getArrayElementType(t));
  if (!is_const) return std::nullopt;
  CXCursor init = clang_Cursor_getVarDeclInitializer(var);
  if (clang_Cursor_isNull(init)) return std::nullopt;
  return string_value(init, 1);
}

std::optional<std::string> string_value(CXCursor expr, int depth) {
  if (depth > 8 || clang_Cursor_isNull(expr)) return std::nullopt;
  switch (clang_getCursorKind(expr)) {
    case CXCursor_StringLiteral:
      return decode_string_literal(cursor_spelling(expr));
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr: {
      CXCursor ref = clang_getCursorReferenced(expr);
      if (clang_getCursorKind(ref) == CXCursor_VarDecl || clang_getCursorKind(ref) == CXCursor_FieldDecl)
        return const_variable_string(ref);
      return std::nullopt;
    }
    case CXCursor_CallExpr: {
      // Only converting constructors (std::string{"x"}, std::string_view("x")), not real calls.
      CXCursor callee = clang_getCursorReferenced(expr);
      if (clang_getCursorKind(callee) != CXCursor_Constructor && clang_getCursorKind(callee) != CXCursor_ConversionFunction)
        return std::nullopt;
      [[fallthrough]];
    }
    case CXCursor_UnexposedExpr:
    case CXCursor_ParenExpr:
    case CXCursor_CStyleCastExpr:
    case CXCursor_CXXFunctionalCastExpr:
    case CXCursor_CXXStaticCastExpr:
    case CXCursor_InitListExpr: {
      auto kids = children(expr);
      // Skip type references (std::string{...}) and take the first expression.
      for (CXCursor kid : kids) {
        const CXCursorKind kk = clang_getCursorKind(kid);
        if (kk == CXCursor_TypeRef || kk == CXCursor_NamespaceRef || kk == CXCursor_TemplateRef) continue;
        return string_value(kid, depth + 1);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

void type_names(CXType t, std::vector<std::string>& out, int depth) {
  if (depth > 8 || t.kind == CXType_Invalid) return;
  switch (t.kind) {
    case CXType_LValueReference:
    case CXType_RValueReference:
    case CXType_Pointer:
      return type_names(clang_getPointeeType(t), out, depth + 1);
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
      return type_names(clang_getArrayElementType(t), out, depth + 1);
    case CXType_Elaborated:
      return type_names(clang_Type_getNamedType(t), out, depth + 1);
    case CXType_Typedef: {
      CXCursor decl = clang_getTypeDeclaration(t);
      out.push_back(qualified_name(decl));
      return type_names(clang_getTypedefDeclUnderlyingType(decl), out, depth + 1);
    }
    case CXType_Auto:
    case CXType_Unexposed: {
      CXType canon = clang_getCanonicalType(t);
      if (canon.kind != t.kind) type_names(canon, out, depth + 1);
      break;
    }
    default:
      break;
  }
  CXCursor decl = clang_getTypeDeclaration(t);
  if (!clang_Cursor_isNull(decl) && clang_getCursorKind(decl) != CXCursor_NoDeclFound) {
    out.push_back(qualified_name(resolve_declaration(decl)));
  }
  const int n = clang_Type_getNumTemplateArguments(t);
  for (int i = 0; i < n && i < 8; ++i) type_names(clang_Type_getTemplateArgumentAsType(t, i), out, depth + 1);
}

void method_and_overridden_names(CXCursor method, std::vector<std::string>& out, int depth) {
  if (depth > 16) return;
  out.push_back(qualified_name(method));
  CXCursor* overridden = nullptr;
  unsigned count = 0;
  clang_getOverriddenCursors(method, &overridden, &count);
  for (unsigned i = 0; i < count; ++i) method_and_overridden_names(overridden[i], out, depth + 1);
  if (overridden) clang_disposeOverriddenCursors(overridden);
}

bool file_position(CXSourceLocation loc, FilePos& out) {
  clang_getFileLocation(loc, &out.file, &out.line, &out.column, nullptr);
  return out.file != nullptr && out.line > 0;
}

}  // namespace mcp_lint
